# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html_sanitize

from ..tools import sql


class CollectionActivity(models.Model):
    """One line of a customer's collection history. Append-only: lines are written
    by the collection actions and the refresh, never edited; a user may only
    archive the lines users logged themselves."""

    _name = "collection.activity"
    _description = "Collection Activity"
    _order = "date desc, id desc"
    _rec_name = "activity_type_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    activity_type_id = fields.Many2one(
        "collection.activity.type",
        string="Activity",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    is_manual = fields.Boolean(
        string="Logged by a User",
        readonly=True,
        help="An event or note a user logged; such a line can be archived.",
    )
    user_id = fields.Many2one(
        "res.users", string="User", readonly=True, help="Empty: the System."
    )
    done_by = fields.Char(
        compute="_compute_done_by", help="The user who did it, or the System."
    )
    queue_id = fields.Many2one(
        "collection.queue", string="Queue Entry", readonly=True, index=True
    )
    profile_id = fields.Many2one(
        "collection.profile",
        string="Queue",
        readonly=True,
        index=True,
        help="The queue the customer was in at that time.",
    )
    from_profile_id = fields.Many2one(
        "collection.profile", string="From Queue", readonly=True
    )
    status_id = fields.Many2one(
        "collection.status",
        string="Status",
        readonly=True,
        help="Status after the event.",
    )
    old_status_id = fields.Many2one(
        "collection.status", string="Previous Status", readonly=True
    )
    note = fields.Html(readonly=True)
    followup_date = fields.Date(string="Follow-up", readonly=True)
    active = fields.Boolean(default=True)

    @api.depends("user_id")
    def _compute_done_by(self):
        for line in self:
            line.done_by = line.user_id.name or self.env._("System")

    @api.model
    def _record(self, lines, user=None, date=None):
        """Append history lines, set-based.

        :param lines: dicts with ``code`` (a system activity type) or
            ``activity_type`` (record); ``row``, the entry's ``partner_id``,
            ``company_id``, ``profile_id`` and ``status_id`` at that time;
            ``queue_id``; and any other field of the line (``note``,
            ``old_status_id``...). The status before and after default to the
            row's.
        :param user: who did it; None for the System.
        :return: the new lines
        """
        date = date or fields.Datetime.now()
        system_types = {}
        rows = []
        for line in lines:
            line = dict(line)
            entry = line.pop("row")
            activity_type = line.pop("activity_type", None)
            if activity_type is None:
                code = line.pop("code")
                if code not in system_types:
                    system_types[code] = self.env[
                        "collection.activity.type"
                    ]._get_system(code)
                activity_type = system_types[code]
            note = line.get("note")
            if note and not isinstance(note, Markup):
                line["note"] = html_sanitize(note)  # typed by a user
            rows.append(
                {
                    "partner_id": entry["partner_id"],
                    "company_id": entry["company_id"],
                    "profile_id": entry["profile_id"],
                    "status_id": entry["status_id"],
                    "old_status_id": entry["status_id"],
                    "date": date,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id if user else False,
                    "active": True,
                    **line,
                }
            )
        return self.browse(sql.bulk_insert(self, rows))

    def write(self, vals):
        # Append-only for everyone, the superuser included: the application never
        # rewrites a line either.
        if set(vals) - {"active"}:
            raise UserError(
                self.env._(
                    "The collection history cannot be rewritten; log a new line instead."
                )
            )
        if self.filtered(lambda line: not line.is_manual):
            raise UserError(
                self.env._(
                    "Lines written by the application cannot be archived; only "
                    "the events and notes users logged can."
                )
            )
        if not self.env.su and not self.env.user.has_group(
            "collection_queues.group_collection_manager"
        ):
            others = self.filtered(lambda line: line.user_id != self.env.user)
            if others:
                raise AccessError(
                    self.env._(
                        "You can archive only the lines you logged; %(users)s logged "
                        "the others. A collections manager can archive any.",
                        users=", ".join(sorted(set(others.user_id.mapped("name")))),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "The collection history cannot be deleted; archive a logged line instead."
            )
        )
