# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class CollectionPlacementWizard(models.TransientModel):
    """Put in a queue, move to another queue, remove from a queue.

    Each dialog does one of the three, opened for it. On a selection it acts on
    the customers the rules allow and says beforehand which it leaves as they are
    and why (a customer already in a queue is not put in one; a customer in a
    sequenced queue leaves it by the rules only)."""

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
    skipped_partner_ids = fields.Many2many(
        "res.partner",
        string="Left As They Are",
        compute="_compute_skipped",
        help="The customers of the selection this action does not apply to.",
    )
    skipped_summary = fields.Char(compute="_compute_skipped")
    acting_count = fields.Integer(
        compute="_compute_skipped", help="How many customers the action applies to."
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
    def _compute_skipped(self):
        for wizard in self:
            # The customers themselves, not their copies in a dialog's draft.
            partners = wizard.partner_ids._origin
            entries = self.env["collection.queue"]._current_entries(partners)
            groups = [
                (skipped, reason)
                for skipped, reason in wizard._skipped(partners, entries)
                if skipped
            ]
            skipped = partners.browse().union(*(group for group, _reason in groups))
            wizard.skipped_partner_ids = [Command.set(skipped.ids)]
            wizard.acting_count = len(partners - skipped)
            described = [
                self.env._(
                    "%(who)s, %(reason)s",
                    who=wizard._customers_label(group),
                    reason=reason,
                )
                for group, reason in groups
            ]
            wizard.skipped_summary = (
                self.env._("Left as they are: %(groups)s", groups="; ".join(described))
                if groups
                else False
            )

    def _skipped(self, partners, entries):
        """The groups of ``partners`` this action does not apply to, each with
        why, given their open entries ({partner id: entry})."""
        inside = partners.filtered(lambda partner: partner.id in entries)
        if self.action == "put":
            return [(inside, self.env._("already in a queue (move them instead)."))]
        groups = [
            (partners - inside, self.env._("in no queue (put them in one instead)."))
        ]
        if self.action == "move":
            there = inside.filtered(
                lambda partner: entries[partner.id].profile_id == self.profile_id
            )
            return [*groups, (there, self.env._("already in that queue."))]
        sequenced = inside.filtered(
            lambda partner: entries[partner.id].profile_id.auto_sequence
        )
        return [
            *groups,
            (
                sequenced,
                self.env._(
                    "in a sequenced queue, which they leave by its rules only "
                    "(move them to a queue that is not sequenced first)."
                ),
            ),
        ]

    @api.depends("action", "profile_id", "partner_ids", "skipped_partner_ids")
    def _compute_summary(self):
        for wizard in self:
            acting = wizard.partner_ids._origin - wizard.skipped_partner_ids._origin
            who = wizard._customers_label(acting)
            queue = wizard.profile_id.name
            if not acting:
                wizard.summary = self.env._("Nothing to do for this selection.")
            elif wizard.action == "remove":
                wizard.summary = self.env._(
                    "%(who)s will leave their queue; their collection status is "
                    "cleared. The next refresh puts back whoever still meets the "
                    "rules of a sequenced queue.",
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
        customers = self.partner_ids - self.skipped_partner_ids
        if not customers:
            raise UserError(
                self.env._(
                    "Nothing to do: %(why)s", why=self.skipped_summary or self.summary
                )
            )
        if self.action == "put":
            customers.collection_put_in_queue(self.profile_id.id)
            message = self.env._(
                "%(who)s put in %(queue)s.",
                who=self._customers_label(customers),
                queue=self.profile_id.name,
            )
        elif self.action == "move":
            new_entry_ids = customers.collection_move_to_queue(self.profile_id.id)
            message = self.env._(
                "%(who)s moved to %(queue)s.",
                who=self._customers_label(customers),
                queue=self.profile_id.name,
            )
            if self.env.context.get("active_model") == "collection.queue" and (
                len(new_entry_ids) == 1
            ):
                # From an entry: on to the entry that replaces it.
                return self._done(
                    self._with_skipped(message),
                    next_action={
                        "type": "ir.actions.act_window",
                        "res_model": "collection.queue",
                        "res_id": new_entry_ids[0],
                        "views": [(False, "form")],
                        "target": "current",
                    },
                )
        else:
            customers.collection_remove_from_queue()
            message = self.env._(
                "%(who)s removed from their queue.",
                who=self._customers_label(customers),
            )
        return self._done(self._with_skipped(message))

    def _with_skipped(self, message):
        if not self.skipped_partner_ids:
            return message
        return f"{message} {self.skipped_summary}"
