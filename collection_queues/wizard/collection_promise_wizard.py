# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import format_date
from odoo.tools.misc import formatLang


class CollectionPromiseWizard(models.TransientModel):
    """Record a customer's promise to pay."""

    _name = "collection.promise.wizard"
    _inherit = "collection.action.wizard"
    _description = "Record a Promise to Pay"

    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    amount = fields.Monetary(
        string="Amount Promised",
        help="In the company's currency; for several customers, each one's promise.",
    )
    date = fields.Date(
        string="Promised By",
        help="The day the customer promised to have paid by; also their next "
        "follow-up.",
    )
    note = fields.Html()
    replaced_count = fields.Integer(compute="_compute_replaced_count")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "amount" in fields_list and not values.get("amount"):
            # One customer: what they owe past due, as a start.
            customers = self._context_customers()
            entries = self.env["collection.queue"]._current_entries(customers)
            if len(customers) == 1 and customers.id in entries:
                values["amount"] = entries[customers.id].amount_past_due
        return values

    @api.depends("partner_ids")
    def _compute_replaced_count(self):
        for wizard in self:
            entries = self.env["collection.queue"]._current_entries(wizard.partner_ids)
            wizard.replaced_count = len(
                self.env["collection.promise"]._open_of(
                    self.env["collection.queue"].union(*entries.values())
                )
            )

    @api.depends("amount", "date", "partner_ids", "replaced_count")
    def _compute_summary(self):
        for wizard in self:
            if not wizard.amount or not wizard.date:
                wizard.summary = self.env._("Enter the amount and the day promised.")
                continue
            text = self.env._(
                "%(who)s promises %(amount)s by %(date)s; the next follow-up moves "
                "to that day",
                who=wizard._customers_label(),
                amount=formatLang(
                    self.env, wizard.amount, currency_obj=wizard.currency_id
                ),
                date=format_date(self.env, wizard.date),
            )
            if wizard.replaced_count:
                text += self.env._(
                    ", replacing %(count)s open promise(s)",
                    count=wizard.replaced_count,
                )
            wizard.summary = text + "."

    def action_apply(self):
        self.ensure_one()
        self.partner_ids.collection_promise(
            self.amount, self.date, note=self.note or False
        )
        return self._done(
            self.env._(
                "Promise recorded: %(amount)s by %(date)s.",
                amount=formatLang(self.env, self.amount, currency_obj=self.currency_id),
                date=format_date(self.env, self.date),
            )
        )
