# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import format_date


def last_quarter(today):
    """(first day, last day) of the quarter before the one of ``today``."""
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    start = quarter_start - relativedelta(months=3)
    return start, quarter_start - relativedelta(days=1)


class CollectionKpiDashboard(models.TransientModel):
    """The collection KPIs of a company for a period, on one screen."""

    _name = "collection.kpi.dashboard"
    _description = "Collection KPIs Dashboard"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: last_quarter(fields.Date.context_today(self))[0],
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: last_quarter(fields.Date.context_today(self))[1],
    )
    dso = fields.Float(
        string="DSO (Countback)", digits=(16, 1), compute="_compute_kpis"
    )
    best_possible_dso = fields.Float(
        string="Best Possible DSO", digits=(16, 1), compute="_compute_kpis"
    )
    average_days_delinquent = fields.Float(digits=(16, 1), compute="_compute_kpis")
    cei = fields.Float(
        string="CEI (%)",
        digits=(16, 1),
        compute="_compute_kpis",
        help="Collection effectiveness index: the share of what was collectible "
        "in the period that was collected.",
    )
    promise_kept_rate = fields.Float(
        string="Promises Kept (%)", digits=(16, 1), compute="_compute_kpis"
    )
    # Why each KPI above has no value on these books; empty when it has one.
    dso_not_meaningful = fields.Char(compute="_compute_kpis")
    best_possible_dso_not_meaningful = fields.Char(compute="_compute_kpis")
    average_days_delinquent_not_meaningful = fields.Char(compute="_compute_kpis")
    cei_not_meaningful = fields.Char(compute="_compute_kpis")
    promise_kept_rate_not_meaningful = fields.Char(compute="_compute_kpis")
    promises_judged = fields.Integer(compute="_compute_kpis")
    receivable_begin = fields.Monetary(
        string="Receivables at Start", compute="_compute_kpis"
    )
    receivable_end = fields.Monetary(
        string="Receivables at End", compute="_compute_kpis"
    )
    receivable_end_current = fields.Monetary(
        string="Not Yet Due at End", compute="_compute_kpis"
    )
    credit_sales = fields.Monetary(compute="_compute_kpis")
    collected_total = fields.Monetary(
        string="Collected While in Collections", compute="_compute_kpis"
    )
    tables = fields.Html(compute="_compute_kpis", sanitize=False)

    @api.depends("date_from", "date_to")
    def _compute_display_name(self):
        for dashboard in self:
            dashboard.display_name = self.env._("Collection KPIs")

    @api.model
    def action_open(self):
        """The dashboard of the last quarter, in the main view."""
        dashboard = self.create({})
        return {
            "type": "ir.actions.act_window",
            "name": dashboard.display_name,
            "res_model": self._name,
            "res_id": dashboard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    @api.depends("company_id", "date_from", "date_to")
    def _compute_kpis(self):
        for dashboard in self:
            if not (
                dashboard.company_id
                and dashboard.date_from
                and dashboard.date_to
                and dashboard.date_from <= dashboard.date_to
            ):
                dashboard.update(dict.fromkeys(self._kpi_fields(), False))
                continue
            kpis = self.env["collection.kpi"].get_kpis(
                dashboard.date_from, dashboard.date_to, dashboard.company_id.id
            )
            dashboard.update(
                {
                    **{name: kpis[name] for name in self._kpi_fields() if name in kpis},
                    **{
                        f"{key}_not_meaningful": kpis["not_meaningful"].get(key, False)
                        for key in self._not_meaningful_kpis()
                    },
                }
            )
            dashboard.tables = self.env["ir.qweb"]._render(
                "collection_queues.collection_kpi_tables",
                {
                    "kpis": kpis,
                    "date_to": format_date(self.env, dashboard.date_to),
                    "format_amount": lambda amount, currency=dashboard.currency_id: (
                        self.env["ir.qweb.field.monetary"].value_to_html(
                            amount, {"display_currency": currency}
                        )
                    ),
                },
            )

    @api.model
    def _not_meaningful_kpis(self):
        return [
            "dso",
            "best_possible_dso",
            "average_days_delinquent",
            "cei",
            "promise_kept_rate",
        ]

    @api.model
    def _kpi_fields(self):
        return [
            *self._not_meaningful_kpis(),
            *(f"{key}_not_meaningful" for key in self._not_meaningful_kpis()),
            "promises_judged",
            "receivable_begin",
            "receivable_end",
            "receivable_end_current",
            "credit_sales",
            "collected_total",
            "tables",
        ]
