# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class CollectionCollectedReport(models.Model):
    """Collected while in collections: each payment applied to a customer's
    receivables while the customer was in a queue, attributed to that stay's queue
    and collector. A payment made on the day of a move counts for the queue the
    customer left; one made on the day the customer left collections, for the
    queue it left."""

    _name = "collection.collected.report"
    _inherit = "collection.report.mixin"
    _description = "Collected While in Collections"
    _auto = False
    _order = "date desc, id desc"

    queue_id = fields.Many2one("collection.queue", string="Stay", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    profile_id = fields.Many2one("collection.profile", string="Queue", readonly=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True)
    date = fields.Date(string="Payment Date", readonly=True)
    amount = fields.Monetary(string="Collected", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(view)s AS (
                    SELECT payment.partial_id AS id, stay.id AS queue_id,
                           stay.partner_id, stay.company_id, stay.profile_id,
                           stay.collector_id, payment.date, payment.amount
                      FROM (%(payments)s) payment
                      JOIN res_company item_company
                        ON item_company.id = payment.company_id
                      JOIN LATERAL (
                          SELECT entry.id, entry.partner_id, entry.company_id,
                                 entry.profile_id, entry.collector_id
                            FROM collection_queue entry
                            JOIN res_company company ON company.id = entry.company_id
                           WHERE entry.partner_id = payment.partner_id
                             AND %(in_tree)s
                             AND payment.date >= entry.date_start::date
                             AND (entry.date_end IS NULL
                                  OR payment.date <= entry.date_end::date)
                           ORDER BY entry.date_start, entry.id
                           LIMIT 1
                      ) stay ON TRUE
                )
                """,
                view=SQL.identifier(self._table),
                payments=self.env["collection.receivable"]._payments_sql(),
                in_tree=self.env["collection.receivable"]._in_tree_sql(
                    "item_company", "company"
                ),
            )
        )
