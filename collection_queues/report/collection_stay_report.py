# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class CollectionStayReport(models.Model):
    """The customers' stays in the queues, for analysis: how many were placed,
    how long they stayed, how each stay ended and what was collected meanwhile."""

    _name = "collection.stay.report"
    _inherit = "collection.report.mixin"
    _description = "Collection Stays Analysis"
    _auto = False
    _order = "date_start desc, id desc"

    queue_id = fields.Many2one("collection.queue", string="Stay", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    profile_id = fields.Many2one("collection.profile", string="Queue", readonly=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True)
    status_id = fields.Many2one("collection.status", string="Status", readonly=True)
    is_manual = fields.Boolean(string="Placed by a User", readonly=True)
    date_start = fields.Datetime(string="Placed On", readonly=True)
    date_end = fields.Datetime(string="Ended On", readonly=True)
    outcome = fields.Selection(
        [
            ("open", "Still Open"),
            ("moved", "Moved"),
            ("paid", "Paid Off"),
            ("disputed", "In Dispute"),
            ("removed", "Removed by a User"),
            ("closed", "Queue Closed"),
        ],
        readonly=True,
    )
    days_in_collections = fields.Integer(
        string="Days in Queue",
        readonly=True,
        aggregator="avg",
        help="Days from placement to the end of the stay, or to today.",
    )
    amount_due_placed = fields.Monetary(string="Due at Placement", readonly=True)
    amount_collected = fields.Monetary(
        string="Collected",
        readonly=True,
        help="Payments applied to the customer's receivables during the stay.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(view)s AS (
                    SELECT entry.id, entry.id AS queue_id, entry.partner_id,
                           entry.company_id, entry.profile_id, entry.collector_id,
                           entry.status_id, entry.is_manual, entry.date_start,
                           entry.date_end,
                           COALESCE(entry.outcome, 'open') AS outcome,
                           COALESCE(entry.date_end, NOW() AT TIME ZONE 'UTC')::date
                               - entry.date_start::date AS days_in_collections,
                           entry.amount_due_placed,
                           COALESCE(collected.amount, 0) AS amount_collected
                      FROM collection_queue entry
                      LEFT JOIN (
                          SELECT queue_id, SUM(amount) AS amount
                            FROM collection_collected_report
                           GROUP BY queue_id
                      ) collected ON collected.queue_id = entry.id
                )
                """,
                view=SQL.identifier(self._table),
            )
        )
