# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError

from .collection_dispute import OPEN


class AccountMove(models.Model):
    _inherit = "account.move"

    def action_collection_dispute(self):
        """The dialog opening a dispute on this invoice."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispute an Invoice"),
            "res_model": "collection.dispute.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "active_model": self._name,
                "active_ids": self.ids,
                "active_id": self.id,
            },
        }

    def action_collection_close_dispute(self):
        """The dialog closing this invoice's open dispute."""
        self.ensure_one()
        dispute = self.env["collection.dispute"].search(
            [("move_id", "=", self.id), ("state", "=", OPEN)], limit=1
        )
        if not dispute:
            raise UserError(
                self.env._("This invoice has no open dispute you may close.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close Dispute"),
            "res_model": "collection.dispute.close.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "active_model": dispute._name,
                "active_ids": dispute.ids,
                "active_id": dispute.id,
            },
        }
