# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "collection.banner.mixin"]

    days_past_due = fields.Integer(
        compute="_compute_days_past_due",
        help="Days past due of the oldest open instalment of the invoice.",
    )

    def _collection_customer(self):
        """Customer invoices and credit notes show the customer's banner, as seen
        from their company."""
        if self.move_type in ("out_invoice", "out_refund"):
            return self.commercial_partner_id, self.company_id
        return self.env["res.partner"], self.company_id

    @api.model
    def _collection_customer_fields(self):
        return ["move_type", "commercial_partner_id", "company_id"]

    @api.depends("state", "line_ids.date_maturity", "line_ids.reconciled")
    def _compute_days_past_due(self):
        today = fields.Date.context_today(self)
        for move in self:
            open_items = move._collection_receivable_lines().filtered(
                lambda line: not line.reconciled and line.amount_residual > 0
            )
            move.days_past_due = max(
                [
                    (today - line.date_maturity).days
                    for line in open_items
                    if line.date_maturity and move.state == "posted"
                ]
                + [0]
            )

    def _collection_receivable_lines(self):
        return self.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        self.env["collection.refresh.request"]._enqueue(
            posted._collection_receivable_lines().partner_id
        )
        return posted

    def button_draft(self):
        customers = (
            self.filtered(lambda move: move.state == "posted")
            ._collection_receivable_lines()
            .partner_id
        )
        result = super().button_draft()
        self.env["collection.refresh.request"]._enqueue(customers)
        return result
