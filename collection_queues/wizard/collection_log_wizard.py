# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import format_date


class CollectionLogWizard(models.TransientModel):
    """Log an event, add a note, change the status."""

    _name = "collection.log.wizard"
    _inherit = "collection.action.wizard"
    _description = "Log a Collection Event"

    mode = fields.Selection(
        [
            ("log", "Log Event"),
            ("note", "Add Note"),
            ("status", "Change Status"),
        ],
        required=True,
        default="log",
    )
    activity_type_id = fields.Many2one(
        "collection.activity.type",
        string="Event",
        domain="[('is_system', '=', False)]",
    )
    note = fields.Html()
    followup_date = fields.Date(
        string="Follow-up",
        help="Also schedules a To-Do for the collector on that day.",
    )
    status_id = fields.Many2one("collection.status", string="New Status")

    @api.depends("mode", "activity_type_id", "followup_date", "status_id")
    def _compute_summary(self):
        for wizard in self:
            who = wizard._customers_label()
            if wizard.mode == "status":
                wizard.summary = (
                    self.env._(
                        "The status of %(who)s becomes %(status)s.",
                        who=who,
                        status=wizard.status_id.name,
                    )
                    if wizard.status_id
                    else self.env._("Choose the new status.")
                )
                continue
            if wizard.mode == "note":
                text = self.env._("A note is added to the history of %(who)s", who=who)
            elif wizard.activity_type_id:
                text = self.env._(
                    "%(event)s is logged in the history of %(who)s",
                    event=wizard.activity_type_id.name,
                    who=who,
                )
            else:
                wizard.summary = self.env._("Choose the event.")
                continue
            if wizard.followup_date:
                text += self.env._(
                    ", with a follow-up To-Do on %(date)s",
                    date=format_date(self.env, wizard.followup_date),
                )
            if wizard.status_id:
                text += self.env._(
                    "; the status becomes %(status)s", status=wizard.status_id.name
                )
            wizard.summary = text + "."

    def action_apply(self):
        self.ensure_one()
        customers = self.partner_ids
        if self.mode == "status":
            customers.collection_change_status(
                self.status_id.id, note=self.note or False
            )
            return self._done(
                self.env._("Status changed to %(status)s.", status=self.status_id.name)
            )
        if self.mode == "note":
            activity_type = self.env["collection.activity.type"]._get_system("note")
        else:
            activity_type = self.activity_type_id
        customers.collection_log(
            activity_type.id,
            note=self.note or False,
            followup_date=self.followup_date or False,
            status=self.status_id.id or False,
        )
        return self._done(
            self.env._(
                "%(event)s logged for %(who)s.",
                event=activity_type.name,
                who=self._customers_label(),
            )
        )
