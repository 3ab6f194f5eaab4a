# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models import collection_arguments as arguments


class CollectionActionWizard(models.AbstractModel):
    """What the dialogs of the collection actions share: the customers they act
    on, taken from where they were opened (a partner, a queue entry or a selection
    of either, "select all" included), and a line saying what will happen."""

    _name = "collection.action.wizard"
    _inherit = ["collection.checked.dialog"]
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
    def _check_values(self, vals_list):
        """Values naming queues, entries or customers the user may not open
        are refused: the dialog would show their names and figures."""
        arguments.check_readable_values(self, vals_list)
        ids = [
            partner_id
            for vals in vals_list
            for partner_id in arguments.command_ids(vals.get("partner_ids"))
        ]
        self._readable_customers(self.env["res.partner"].browse(ids))

    @api.model
    def _context_customers(self):
        """The commercial partners of the records the dialog was opened from,
        all of which the user may open, and whose entries too."""
        context = self.env.context
        ids = context.get("active_ids") or (
            [context["active_id"]] if context.get("active_id") else []
        )
        model = context.get("active_model")
        if model not in ("res.partner", "collection.queue"):
            return self.env["res.partner"]
        records = arguments.readable_selection(self.env, model, ids)
        if model == "collection.queue":
            return records.partner_id
        return self._readable_customers(records.commercial_partner_id)

    @api.model
    def _readable_customers(self, customers):
        """``customers``, refused when one is in a queue the user may not open."""
        if self.env.su or not customers:
            return customers
        entries = self.env["collection.queue"]._current_entries(customers.exists())
        found = self.env["collection.queue"].union(*entries.values())
        hidden = found - found.with_env(self.env)._filtered_access("read")
        if hidden:
            raise UserError(
                self.env._(
                    "%(names)s: in a queue you are not allowed on.",
                    names=", ".join(hidden.partner_id.sudo().mapped("display_name")),
                )
            )
        return customers

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
