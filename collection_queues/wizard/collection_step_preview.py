# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models

from ..models import collection_arguments as arguments

# Steps listed one per line in the screen; the counts cover them all.
PREVIEW_LINES = 1000


class CollectionStepPreview(models.TransientModel):
    """Today's automatic steps: what would run now and what waits, then the
    run itself on demand."""

    _name = "collection.step.preview"
    _description = "Today's Automatic Steps"

    date = fields.Date(default=fields.Date.context_today, readonly=True)
    done_count = fields.Integer(string="To Run", readonly=True)
    held_count = fields.Integer(string="Held", readonly=True)
    skipped_count = fields.Integer(string="Passed Over", readonly=True)
    line_ids = fields.One2many(
        "collection.step.preview.line", "preview_id", string="Steps", readonly=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        arguments.check_readable_values(self, vals_list)
        return super().create(vals_list)

    @api.depends("date")
    def _compute_display_name(self):
        for preview in self:
            preview.display_name = self.env._("Today's Automatic Steps")

    @api.model
    def _open_preview(self):
        """The dry run of today's steps, as a screen."""
        result = self.env["collection.profile"].collection_run_steps(dry_run=True)
        lines = [
            (state, line)
            for state, key in (
                ("done", "done"),
                ("held", "held"),
                ("skipped", "skipped"),
            )
            for line in result[key]
        ]
        preview = self.create(
            {
                "done_count": len(result["done"]),
                "held_count": len(result["held"]),
                "skipped_count": len(result["skipped"]),
                "line_ids": [
                    Command.create(
                        {
                            "state": state,
                            "partner_id": line["partner_id"],
                            "profile_id": line["profile_id"],
                            "step_id": line["step_id"],
                            "reason": line.get("reason", False),
                        }
                    )
                    for state, line in lines[:PREVIEW_LINES]
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Today's Automatic Steps"),
            "res_model": self._name,
            "res_id": preview.id,
            "view_mode": "form",
            # Also opened as the next action of a notification, which the web
            # client takes as it is.
            "views": [(False, "form")],
            "target": "current",
        }

    def action_run(self):
        """Run today's steps for real (what changed since the preview is taken
        into account) and say what was done."""
        self.ensure_one()
        result = self.env["collection.profile"].collection_run_steps()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Automatic steps run"),
                "message": self.env._(
                    "Run: %(done)s. Held: %(held)s.",
                    done=len(result["done"]),
                    held=len(result["held"]),
                ),
                "type": "success",
                "next": self.env["collection.step.preview"]._open_preview(),
            },
        }


class CollectionStepPreviewLine(models.TransientModel):
    """One step that would run, or waits, and why."""

    _name = "collection.step.preview.line"
    _description = "Automatic Step Due"
    _order = "id"

    preview_id = fields.Many2one(
        "collection.step.preview", required=True, ondelete="cascade"
    )
    state = fields.Selection(
        [("done", "Runs"), ("held", "Held"), ("skipped", "Passed Over")],
        readonly=True,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    profile_id = fields.Many2one("collection.profile", string="Queue", readonly=True)
    step_id = fields.Many2one("collection.profile.step", string="Step", readonly=True)
    action = fields.Selection(related="step_id.action", string="Action", readonly=True)
    reason = fields.Char(string="Why Held", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        arguments.check_readable_values(self, vals_list)
        return super().create(vals_list)
