# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class CollectionAssignWizard(models.TransientModel):
    """Give customers in collections a collector."""

    _name = "collection.assign.wizard"
    _inherit = "collection.action.wizard"
    _description = "Assign a Collector"

    collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        domain=lambda self: [
            (
                "groups_id",
                "in",
                self.env.ref("collection_queues.group_collection_user").id,
            ),
            ("company_ids", "in", self.env.company.id),
        ],
    )

    @api.depends("collector_id", "partner_ids")
    def _compute_summary(self):
        for wizard in self:
            wizard.summary = (
                self.env._(
                    "%(user)s becomes the collector of %(who)s, and gets their "
                    "follow-ups from now on.",
                    user=wizard.collector_id.name,
                    who=wizard._customers_label(),
                )
                if wizard.collector_id
                else self.env._("Choose the collector.")
            )

    def action_apply(self):
        self.ensure_one()
        if not self.collector_id:
            raise UserError(self.env._("Choose the collector."))
        entries = self.partner_ids._collection_entries()
        # As the user: what a collector may set on an entry is checked there.
        entries.sudo(False).write({"collector_id": self.collector_id.id})
        return self._done(
            self.env._("%(user)s is the collector.", user=self.collector_id.name)
        )
