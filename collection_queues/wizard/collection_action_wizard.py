# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models


class CollectionActionWizard(models.AbstractModel):
    """What the dialogs of the collection actions share: the customers they act
    on, taken from where they were opened (a partner, a queue entry or a selection
    of either, "select all" included), and a line saying what will happen."""

    _name = "collection.action.wizard"
    _description = "Collection Action Dialog"

    partner_ids = fields.Many2many(
        "res.partner", string="Customers", required=True, readonly=True
    )
    partner_count = fields.Integer(compute="_compute_partner_count")
    summary = fields.Char(compute="_compute_summary")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "partner_ids" in fields_list and not values.get("partner_ids"):
            values["partner_ids"] = [Command.set(self._context_customers().ids)]
        return values

    @api.model
    def _context_customers(self):
        """The commercial partners of the records the dialog was opened from."""
        context = self.env.context
        ids = context.get("active_ids") or (
            [context["active_id"]] if context.get("active_id") else []
        )
        model = context.get("active_model")
        if model == "res.partner":
            return self.env["res.partner"].browse(ids).commercial_partner_id
        if model == "collection.queue":
            return self.env["collection.queue"].browse(ids).partner_id
        return self.env["res.partner"]

    @api.depends("partner_ids")
    def _compute_partner_count(self):
        for wizard in self:
            wizard.partner_count = len(wizard.partner_ids)

    def _customers_label(self, partners=None):
        """ "Acme Plumbing" or "3 customers": ``partners``, by default those the
        dialog acts on."""
        partners = self.partner_ids if partners is None else partners
        if len(partners) == 1:
            return partners.display_name
        return self.env._("%(count)s customers", count=len(partners))

    def _compute_summary(self):
        raise NotImplementedError

    def _done(self, message, next_action=None):
        """Close the dialog (or go on to ``next_action``) and say what was done."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success",
                "next": next_action or {"type": "ir.actions.act_window_close"},
            },
        }
