# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models

from ..models import collection_arguments as arguments

# Planned changes listed one per line in the dialog; the counts cover them all.
PREVIEW_LINES = 500


class CollectionRefreshWizard(models.TransientModel):
    """A refresh of the queues, previewed: the dry run's counts and changes, then
    the refresh itself on confirmation."""

    _name = "collection.refresh.wizard"
    _description = "Refresh Collection Queues"

    date = fields.Date(
        default=fields.Date.context_today,
        readonly=True,
        help="Days past due are counted as of this date.",
    )
    company_names = fields.Char(string="Companies", readonly=True)
    added_count = fields.Integer(string="Added", readonly=True)
    moved_count = fields.Integer(string="Moved", readonly=True)
    removed_count = fields.Integer(string="Removed", readonly=True)
    unchanged_count = fields.Integer(string="Unchanged", readonly=True)
    line_ids = fields.One2many(
        "collection.refresh.wizard.line", "wizard_id", string="Changes", readonly=True
    )
    unlisted_count = fields.Integer(readonly=True)
    summary = fields.Char(compute="_compute_summary")

    @api.model_create_multi
    def create(self, vals_list):
        arguments.check_readable_values(self, vals_list)
        return super().create(vals_list)

    @api.model
    def _open_preview(self):
        """Run the dry run and open the dialog showing it."""
        result = self.env["collection.profile"].refresh_queues(dry_run=True)
        changes = result["changes"]
        wizard = self.create(
            {
                "company_names": ", ".join(self.env.companies.mapped("name")),
                "added_count": result["added"],
                "moved_count": result["moved"],
                "removed_count": result["removed"],
                "unchanged_count": result["unchanged"],
                "unlisted_count": max(len(changes) - PREVIEW_LINES, 0),
                "line_ids": [
                    Command.create(
                        {
                            "partner_id": change["partner_id"],
                            "company_id": change["company_id"],
                            "action": change["action"],
                            "from_profile_id": change["from_profile_id"],
                            "profile_id": change["profile_id"],
                            "reason": change["reason"],
                        }
                    )
                    for change in changes[:PREVIEW_LINES]
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refresh Collection Queues"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            # The reasons are sentences: room to read them.
            "context": {"dialog_size": "extra-large"},
        }

    @api.depends("added_count", "moved_count", "removed_count", "unlisted_count")
    def _compute_summary(self):
        for wizard in self:
            if not (wizard.added_count or wizard.moved_count or wizard.removed_count):
                wizard.summary = self.env._(
                    "The queues are up to date: a refresh would change nothing."
                )
                continue
            wizard.summary = self.env._(
                "By the rules of the sequenced queues, a refresh now makes these "
                "changes: %(added)s added, %(moved)s moved, %(removed)s removed.",
                added=wizard.added_count,
                moved=wizard.moved_count,
                removed=wizard.removed_count,
            )
            if wizard.unlisted_count:
                wizard.summary += " " + self.env._(
                    "The first %(listed)s changes are listed below.",
                    listed=len(wizard.line_ids),
                )

    def action_apply(self):
        """Refresh for real (what changed since the preview is taken into
        account too) and say what was done."""
        self.ensure_one()
        Profile = self.env["collection.profile"]
        return Profile._refresh_notification(Profile.refresh_queues())
