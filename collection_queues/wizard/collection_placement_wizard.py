# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class CollectionPlacementWizard(models.TransientModel):
    """Put in a queue, move to another queue, remove from a queue."""

    _name = "collection.placement.wizard"
    _inherit = "collection.action.wizard"
    _description = "Place Customers in a Collection Queue"

    action = fields.Selection(
        [
            ("put", "Put in Queue"),
            ("move", "Move to Queue"),
            ("remove", "Remove from Queue"),
        ],
        required=True,
        default="put",
    )
    profile_id = fields.Many2one(
        "collection.profile",
        string="Queue",
        domain="[('id', 'in', allowed_profile_ids)]",
    )
    allowed_profile_ids = fields.Many2many(
        "collection.profile", compute="_compute_allowed_profile_ids"
    )

    @api.depends("action")
    def _compute_allowed_profile_ids(self):
        """A customer enters any queue of the current company; moves by a user
        go to a queue that is not sequenced only (the rules do the others)."""
        Profile = self.env["collection.profile"]
        for wizard in self:
            domain = [("company_id", "=", self.env.company.id)]
            if wizard.action == "move":
                domain.append(("auto_sequence", "=", False))
            wizard.allowed_profile_ids = (
                Profile.search(domain) if wizard.action != "remove" else Profile
            )

    @api.depends("action", "profile_id", "partner_ids")
    def _compute_summary(self):
        for wizard in self:
            who = wizard._customers_label()
            queue = wizard.profile_id.name
            if wizard.action == "remove":
                wizard.summary = self.env._(
                    "%(who)s will leave their queue; their collection status is "
                    "cleared.",
                    who=who,
                )
            elif not queue:
                wizard.summary = self.env._("Choose the queue.")
            elif wizard.action == "put":
                status = wizard.profile_id.initial_status_id.name
                wizard.summary = (
                    self.env._(
                        "%(who)s will enter %(queue)s with the status %(status)s.",
                        who=who,
                        queue=queue,
                        status=status,
                    )
                    if status
                    else self.env._(
                        "%(who)s will enter %(queue)s.", who=who, queue=queue
                    )
                )
            else:
                wizard.summary = self.env._(
                    "%(who)s will move to %(queue)s, keeping their status; the rules "
                    "leave them there until a user moves or removes them.",
                    who=who,
                    queue=queue,
                )

    def action_apply(self):
        self.ensure_one()
        customers = self.partner_ids
        if self.action == "put":
            customers.collection_put_in_queue(self.profile_id.id)
            message = self.env._("Put in %(queue)s.", queue=self.profile_id.name)
        elif self.action == "move":
            customers.collection_move_to_queue(self.profile_id.id)
            message = self.env._("Moved to %(queue)s.", queue=self.profile_id.name)
        else:
            customers.collection_remove_from_queue()
            message = self.env._("Removed from their queue.")
        return self._done(message)
