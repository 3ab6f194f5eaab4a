# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, html_sanitize

from ..tools import sql
from . import collection_arguments as arguments

# Fields a collector may edit directly on an entry; everything else changes only
# through the collection actions, which keep the history.
USER_EDITABLE_FIELDS = {"collector_id", "next_followup_date"}


def plain_html(text):
    """Plain text as HTML, escaping only what HTML requires, so that a reason
    reads the same in the history as on the entry ("... > 500.00")."""
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;"))


# The figures a refresh keeps up to date on every open entry.
AMOUNT_FIELDS = ("amount_past_due", "amount_due", "credit_amount", "days_past_due")


class CollectionQueue(models.Model):
    _name = "collection.queue"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Collection Queue Entry"
    _order = "days_past_due desc, amount_due desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    profile_id = fields.Many2one(
        "collection.profile",
        string="Queue",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        required=True,
        default="open",
        readonly=True,
        index=True,
    )
    date_start = fields.Datetime(
        string="Placed On", required=True, readonly=True, default=fields.Datetime.now
    )
    date_end = fields.Datetime(string="Ended On", readonly=True)
    is_manual = fields.Boolean(
        string="Placed by a User",
        readonly=True,
        help="Placed by a user. In a queue that is not sequenced such a placement "
        "is never moved or removed by a refresh.",
    )
    user_id = fields.Many2one(
        "res.users", string="Placed By", readonly=True, help="Empty: the System."
    )
    close_reason = fields.Char(readonly=True)
    outcome = fields.Selection(
        [
            ("moved", "Moved"),
            ("paid", "Paid Off"),
            ("disputed", "In Dispute"),
            ("removed", "Removed by a User"),
            ("closed", "Queue Closed"),
        ],
        readonly=True,
        help="How the stay ended: moved to another queue, out of collections because "
        "the customer no longer met any queue's rules (paid, or what is past due is "
        "in dispute), taken out by a user, or its queue closed. Empty while the "
        "customer is in the queue.",
    )
    amount_due_placed = fields.Monetary(
        string="Due at Placement",
        readonly=True,
        help="The amount due when the customer entered this queue.",
    )
    reason = fields.Text(
        readonly=True, help="Why the customer was placed in this queue."
    )
    collector_id = fields.Many2one("res.users", string="Collector", index=True)
    status_id = fields.Many2one("collection.status", string="Status", readonly=True)
    amount_past_due = fields.Monetary(
        string="Past Due",
        readonly=True,
        help="The qualifying amount past due, at placement or last refresh.",
    )
    amount_due = fields.Monetary(
        readonly=True,
        help="All open receivables, minus unapplied credits.",
    )
    credit_amount = fields.Monetary(
        string="Credits", readonly=True, help="Unapplied payments and credit notes."
    )
    days_past_due = fields.Integer(
        readonly=True,
        aggregator="max",
        help="Days past due of the oldest open item.",
    )
    last_activity_date = fields.Date(
        readonly=True, help="The last time a user logged something for the customer."
    )
    next_followup_date = fields.Date(string="Next Follow-up")
    collection_activity_ids = fields.One2many(
        "collection.activity", "queue_id", string="History"
    )
    customer_history_count = fields.Integer(
        compute="_compute_customer_history_count",
        help="Lines of the customer's whole collection history, every stay included.",
    )
    dispute_count = fields.Integer(
        string="Invoices in Dispute",
        compute="_compute_dispute_count",
        search="_search_dispute_count",
        help="The customer's invoices in open dispute, in this company and its "
        "branches: their disputed amounts are not chased meanwhile.",
    )
    dispute_summary = fields.Char(string="Disputes", compute="_compute_dispute_count")
    promise_id = fields.Many2one(
        "collection.promise",
        string="Last Promise",
        readonly=True,
        help="The customer's last promise to pay, made during this stay or before "
        "a move.",
    )
    promise_state = fields.Selection(
        related="promise_id.state", string="Promise", readonly=True
    )
    promise_ids = fields.One2many(
        "collection.promise", "queue_id", string="Promises to Pay"
    )
    # Not tracked as the partner's are: each write of an entry would otherwise
    # read and compare them for the chatter.
    phone = fields.Char(related="partner_id.phone", tracking=False)
    email = fields.Char(related="partner_id.email", tracking=False)
    profile_auto_sequence = fields.Boolean(related="profile_id.auto_sequence")

    # At most one open entry per customer and company, whoever writes it: the
    # refresh and a user's manual action can race.
    _sql_constraints = [
        (
            "one_open_entry_per_customer",
            "EXCLUDE (partner_id WITH =, company_id WITH =) WHERE (state = 'open')",
            "This customer is already in a collection queue of this company.",
        ),
    ]

    def _compute_customer_history_count(self):
        counts = dict(
            self.env["collection.activity"]._read_group(
                [("partner_id", "in", self.partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for entry in self:
            entry.customer_history_count = counts.get(entry.partner_id, 0)

    @api.depends("partner_id", "company_id")
    def _compute_dispute_count(self):
        Dispute = self.env["collection.dispute"]
        counts = {}
        for company in self.company_id:
            counts[company] = Dispute._open_counts(
                self.filtered(lambda e, c=company: e.company_id == c).partner_id,
                company,
            )
        for entry in self:
            count = counts.get(entry.company_id, {}).get(entry.partner_id.id, 0)
            entry.dispute_count = count
            entry.dispute_summary = Dispute._count_text(count)

    def _search_dispute_count(self, operator, value):
        """Entries by their customer's number of invoices in open dispute: ``>
        0`` (or ``!= 0``) for those with any, ``= 0`` (or ``<= 0``) for those
        with none."""
        if (operator, value) not in {(">", 0), ("!=", 0), ("=", 0), ("<=", 0)} or (
            isinstance(value, bool)
        ):
            raise UserError(
                self.env._(
                    "Entries are searched by their invoices in dispute with > 0, "
                    "!= 0, = 0 or <= 0."
                )
            )
        # In the entry's company or one of its branches, as the count.
        with_disputes = SQL(
            """
            (SELECT entry.id FROM collection_queue entry
               JOIN res_company company ON company.id = entry.company_id
              WHERE EXISTS (
                  SELECT 1 FROM collection_dispute dispute
                    JOIN res_company branch ON branch.id = dispute.company_id
                   WHERE dispute.partner_id = entry.partner_id
                     AND branch.parent_path LIKE company.parent_path || %s
                     AND dispute.state = 'open'))
            """,
            "%",
        )
        positive = operator in (">", "!=")
        return [("id", "in" if positive else "not in", with_disputes)]

    def action_open_disputes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "collection_queues.action_collection_dispute"
        )
        action["domain"] = [
            ("partner_id", "=", self.partner_id.id),
            ("company_id", "child_of", self.company_id.id),
        ]
        action["context"] = {"search_default_open": 1}
        return action

    def action_open_customer_history(self):
        self.ensure_one()
        return self.partner_id.action_open_collection_history()

    @api.depends("partner_id", "profile_id")
    def _compute_display_name(self):
        for entry in self:
            entry.display_name = (
                f"{entry.partner_id.name or ''} — {entry.profile_id.name or ''}"
            )

    def write(self, vals):
        if not self.env.su and set(vals) - USER_EDITABLE_FIELDS:
            raise UserError(
                self.env._(
                    "Queue entries change through the collection actions (put in "
                    "queue, move, remove, change status, log an event)."
                )
            )
        if not self.env.su:
            vals = self._check_user_values(vals)
        result = super().write(vals)
        if "collector_id" in vals:
            # The collector's follow-ups go with the customer.
            self._followup_todos().write(
                {"user_id": vals["collector_id"] or self.env.user.id}
            )
        if vals.get("next_followup_date") and not self.env.context.get(
            "collection_followup_scheduled"
        ):
            self._move_followup(fields.Date.to_date(vals["next_followup_date"]))
        return result

    def _followup_todos(self):
        """The open follow-up To-Dos of these entries."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        return self.sudo().activity_ids.filtered(
            lambda activity: activity.activity_type_id == todo
        )

    def _schedule_followup(self, date, summary, note=""):
        """A To-Do on ``date`` for each entry's collector (or the user), so that
        the follow-up shows in their activities. Written in bulk, as the history
        is: a follow-up on ten thousand customers (a selection, the promises
        broken overnight) is one statement, not ten thousand creates, and sends
        none of the e-mails Odoo sends for each activity assigned to someone
        else. The collectors are told of their new To-Dos as Odoo tells them."""
        if not self:
            return
        entries = self.sudo()
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        note = html_sanitize(note) if note and not isinstance(note, Markup) else note
        Activity = self.env["mail.activity"].sudo()
        rows = []
        for entry in entries:
            user = entry.collector_id or self.env.user
            rows.append(
                {
                    "res_model_id": model_id,
                    "res_model": self._name,
                    "res_id": entry.id,
                    "res_name": entry.display_name,
                    "activity_type_id": todo.id,
                    "date_deadline": date,
                    "summary": summary,
                    "note": note or False,
                    "user_id": user.id,
                    "user_tz": user.tz or False,
                    "automated": False,
                    "active": True,
                }
            )
        sql.bulk_insert(Activity, rows)
        Activity.invalidate_model()
        entries.invalidate_recordset(["activity_ids"])
        self._subscribe_users({(row["res_id"], row["user_id"]) for row in rows})
        if date <= fields.Date.context_today(self):
            counts = defaultdict(int)
            for row in rows:
                counts[row["user_id"]] += 1
            for user_id, count in counts.items():
                self.env["res.users"].browse(user_id)._bus_send(
                    "mail.activity/updated",
                    {"activity_created": True, "count_diff": count},
                )

    def _subscribe_users(self, pairs):
        """Make each user follow the entry of each (entry id, user id) pair,
        with the default subtypes, as Odoo does for the user an activity is
        assigned to; in two statements, whatever the number of entries."""
        if not pairs:
            return
        partner_of = {
            user.id: user.partner_id.id
            for user in self.env["res.users"]
            .sudo()
            .browse({user_id for _entry_id, user_id in pairs})
        }
        subtypes = (
            self.env["mail.message.subtype"].sudo().default_subtypes(self._name)[0]
        )
        self.env["mail.followers"].flush_model()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                VALUES %s
                ON CONFLICT (res_model, res_id, partner_id) DO NOTHING
                RETURNING id
                """,
                SQL(", ").join(
                    SQL("(%s, %s, %s)", self._name, entry_id, partner_of[user_id])
                    for entry_id, user_id in sorted(pairs)
                ),
            )
        )
        follower_ids = [row[0] for row in cr.fetchall()]
        if follower_ids and subtypes:
            cr.execute(
                SQL(
                    """
                    INSERT INTO mail_followers_mail_message_subtype_rel
                           (mail_followers_id, mail_message_subtype_id)
                    SELECT follower, subtype
                      FROM unnest(%s) follower, unnest(%s) subtype
                    """,
                    follower_ids,
                    subtypes.ids,
                )
            )
        self.env["mail.followers"].invalidate_model()
        self.browse({entry_id for entry_id, _user_id in pairs}).invalidate_recordset(
            ["message_follower_ids", "message_partner_ids"]
        )

    def _move_followup(self, date):
        """A new follow-up date set on the entries: their next To-Do moves there,
        or one is scheduled. Set-based: the To-Dos of every entry read at once,
        the next ones moved in one write, the missing ones scheduled in bulk."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        todos = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", todo.id),
                ],
                order="date_deadline, id",
            )
        )
        next_todo = {}
        for activity in todos:
            next_todo.setdefault(activity.res_id, activity)
        if next_todo:
            todos.browse([activity.id for activity in next_todo.values()]).write(
                {"date_deadline": date}
            )
        self.browse(
            [entry_id for entry_id in self.ids if entry_id not in next_todo]
        )._schedule_followup(date, self.env._("Collection follow-up"))

    def _check_user_values(self, vals):
        """What a user may set directly, refused clearly when it makes no sense."""
        vals = dict(vals)
        if "collector_id" in vals:
            collector = arguments.record_arg(
                self.env, "res.users", vals["collector_id"], self.env._("user")
            )
            if collector and not (
                collector.sudo().has_group("collection_queues.group_collection_user")
                and self.company_id <= collector.sudo().company_ids
            ):
                raise UserError(
                    self.env._(
                        "%(user)s cannot be the collector: not a collections user of "
                        "the companies of these entries.",
                        user=collector.sudo().name,
                    )
                )
            vals["collector_id"] = collector.id
        if vals.get("next_followup_date"):
            vals["next_followup_date"] = self.env[
                "res.partner"
            ]._collection_followup_arg(vals["next_followup_date"])
        return vals

    # ------------------------------------------------------------------
    # The changes of a customer's stay in collections, shared by the refresh (in
    # bulk, user None: the System) and the users' actions. New entries and history
    # lines are inserted set-based: a first refresh places tens of thousands of
    # customers at once.
    # ------------------------------------------------------------------

    @api.model
    def _place(self, placements, user=None):
        """Open entries for customers in no queue, and log ``added``.

        :param placements: dicts with ``partner_id``, ``profile`` (record),
            ``reason`` and optionally the amount fields.
        :return: the new entries
        """
        now = fields.Datetime.now()
        rows = [
            {
                "partner_id": placement["partner_id"],
                "profile_id": placement["profile"].id,
                "company_id": placement["profile"].company_id.id,
                "collector_id": placement["profile"].collector_id.id,
                # Coming from no queue: the profile's initial status applies.
                "status_id": placement["profile"].initial_status_id.id,
                "reason": placement["reason"],
                "last_activity_date": user and fields.Date.context_today(self),
                **{name: placement.get(name, 0) for name in AMOUNT_FIELDS},
            }
            for placement in placements
        ]
        entries = self._open(rows, user, now)
        self.env["collection.activity"]._record(
            [
                {
                    "code": "added",
                    "row": row,
                    "queue_id": entry_id,
                    "old_status_id": False,
                    "note": plain_html(row["reason"]),
                }
                for row, entry_id in zip(rows, entries.ids, strict=True)
            ],
            user=user,
            date=now,
        )
        return entries

    def _move(self, moves, user=None):
        """End entries and reopen the customers in other queues, and log ``moved``.

        The collection status, collector (unless the new queue has its own) and
        follow-up date go along; open To-Dos move to the new entry.

        :param moves: dicts with ``entry``, ``profile``, ``reason`` and optionally
            the amount fields.
        :return: the new entries
        """
        now = fields.Datetime.now()
        by_close_reason = defaultdict(list)
        for move in moves:
            close_reason = self.env._("Moved to %(queue)s", queue=move["profile"].name)
            by_close_reason[close_reason].append(move["entry"].id)
        for close_reason, entry_ids in by_close_reason.items():
            self.browse(entry_ids)._close(close_reason, now, "moved")
        today = fields.Date.context_today(self)
        rows = [
            {
                "partner_id": move["entry"].partner_id.id,
                "profile_id": move["profile"].id,
                "company_id": move["profile"].company_id.id,
                "collector_id": (
                    move["profile"].collector_id or move["entry"].collector_id
                ).id,
                "status_id": move["entry"].status_id.id,
                "reason": move["reason"],
                "next_followup_date": move["entry"].next_followup_date,
                "promise_id": move["entry"].promise_id.id,
                "last_activity_date": today
                if user
                else move["entry"].last_activity_date,
                **{name: move.get(name, move["entry"][name]) for name in AMOUNT_FIELDS},
            }
            for move in moves
        ]
        entries = self._open(rows, user, now)
        self.env["collection.activity"]._record(
            [
                {
                    "code": "moved",
                    "row": row,
                    "queue_id": entry_id,
                    "from_profile_id": move["entry"].profile_id.id,
                    "note": plain_html(row["reason"]),
                }
                for row, entry_id, move in zip(rows, entries.ids, moves, strict=True)
            ],
            user=user,
            date=now,
        )
        new_entry_by_old = {
            move["entry"].id: entry_id
            for move, entry_id in zip(moves, entries.ids, strict=True)
        }
        self._carry_todos(new_entry_by_old)
        self._carry_promises(new_entry_by_old)
        return entries

    def _remove(self, removals, user=None, outcome=None):
        """End entries, clearing the customers' status, and log ``removed``. The
        customers' open promises are kept when they leave because they paid,
        cancelled otherwise.

        :param removals: dicts with ``entry`` and ``reason``.
        :param outcome: ``paid``, ``disputed``, ``removed`` or ``closed``
            (default: ``removed`` by a user, ``paid`` by the System).
        """
        outcome = outcome or ("removed" if user else "paid")
        now = fields.Datetime.now()
        entries = self.browse([removal["entry"].id for removal in removals])
        entries._close(self.env._("Removed from queue"), now, outcome)
        self.env["collection.activity"]._record(
            [
                {
                    "code": "removed",
                    "row": self._row_of(removal["entry"]),
                    "queue_id": removal["entry"].id,
                    "status_id": False,
                    "old_status_id": removal["entry"].status_id.id,
                    "note": plain_html(removal["reason"]),
                }
                for removal in removals
            ],
            user=user,
            date=now,
        )
        # Follow-ups end with the stay.
        entries.sudo().activity_ids.action_cancel()
        self.env["collection.promise"]._customers_left(
            entries, paid=outcome == "paid", user=user
        )
        if outcome == "paid":
            entries._send_exit_notices()

    def _change_status(self, status, note=False, user=None):
        """Set a new collection status on open entries, and log ``status``."""
        changed = self.filtered(lambda entry: entry.status_id != status)
        if not changed:
            return
        lines = [
            {
                "code": "status",
                "row": {**self._row_of(entry), "status_id": status.id},
                "queue_id": entry.id,
                "old_status_id": entry.status_id.id,
                "note": note,
            }
            for entry in changed
        ]
        vals = {"status_id": status.id}
        if user:
            vals["last_activity_date"] = fields.Date.context_today(self)
        changed.sudo().write(vals)
        self.env["collection.activity"]._record(lines, user=user)
        self._invalidate_partner_views()

    @api.model
    def _open(self, rows, user, now):
        """Insert open entries (one statement per few thousand).

        A customer placed meanwhile by a concurrent transaction is a
        serialization failure, which Odoo retries for a user's request (the
        retry then sees the customer's new entry) and which the refresh leaves
        for its next run.
        """
        for row in rows:
            row.update(
                amount_due_placed=row.get("amount_due", 0),
                state="open",
                date_start=now,
                is_manual=bool(user),
                user_id=user.id if user else False,
            )
        try:
            with self.env.cr.savepoint(flush=False):
                ids = sql.bulk_insert(self, rows)
        except psycopg2.errors.ExclusionViolation:
            if self._open_entries_visible(rows):
                raise  # this transaction's own doing: the constraint's message
            self._raise_concurrent_update(
                "a customer was placed in a collection queue by a concurrent "
                "transaction"
            )
        self._invalidate_partner_views()
        return self.browse(ids)

    @api.model
    def _open_entries_visible(self, rows):
        """Whether this transaction sees an open entry of the rows' customers."""
        self.env.cr.execute(
            SQL(
                """
                SELECT 1 FROM collection_queue entry
                  JOIN (VALUES %s) AS placed(partner_id, company_id)
                    ON placed.partner_id = entry.partner_id
                   AND placed.company_id = entry.company_id
                 WHERE entry.state = 'open'
                 LIMIT 1
                """,
                SQL(", ").join(
                    SQL("(%s, %s)", row["partner_id"], row["company_id"])
                    for row in rows
                ),
            )
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _raise_concurrent_update(self, reason):
        """Raise PostgreSQL's own serialization failure: a conflict with a
        concurrent transaction, which Odoo retries like any other."""
        self.env.cr.execute(
            SQL(
                "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'serialization_failure', "
                "MESSAGE = %s; END $$",
                f"could not serialize access: {reason}",
            ),
            log_exceptions=False,
        )

    def _lock_for_update(self):
        """Lock these entries until the end of the transaction. Two users (or a
        user and the refresh) working on one customer then take turns: the
        second waits, and if the first changed the entry, gets a serialization
        failure that Odoo retries with the entry's new state."""
        sql.lock_rows(self)

    def _close(self, close_reason, date_end, outcome):
        self.sudo().write(
            {
                "state": "closed",
                "date_end": date_end,
                "close_reason": close_reason,
                "outcome": outcome,
            }
        )
        # Before any new entry of the same customers is inserted.
        self.flush_recordset(["state"])
        self._invalidate_partner_views()

    @api.model
    def _row_of(self, entry):
        """The values of an entry that its history lines repeat."""
        return {
            "partner_id": entry.partner_id.id,
            "company_id": entry.company_id.id,
            "profile_id": entry.profile_id.id,
            "status_id": entry.status_id.id,
        }

    @api.model
    def _invalidate_partner_views(self):
        """The collection fields of partners, invoices... are computed from the
        open entries: forget them when entries change."""
        self.env["collection.banner.mixin"]._collection_invalidate_banners()
        self.env["res.partner"].invalidate_model(["collection_activity_ids"])
        self.invalidate_model(["collection_activity_ids"])

    def _carry_todos(self, new_entry_by_old):
        """Move the open follow-up To-Dos of ended entries to the entries that follow."""
        todos = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", list(new_entry_by_old)),
                ]
            )
        )
        by_target = defaultdict(list)
        for todo in todos:
            by_target[new_entry_by_old[todo.res_id]].append(todo.id)
        for new_entry_id, todo_ids in by_target.items():
            self.env["mail.activity"].sudo().browse(todo_ids).write(
                {"res_id": new_entry_id}
            )

    def _carry_promises(self, new_entry_by_old):
        """Open promises follow their customer to its new entry."""
        open_promises = (
            self.env["collection.promise"]
            ._open_of(self.browse(list(new_entry_by_old)))
            .filtered(lambda promise: promise.queue_id.id in new_entry_by_old)
        )
        if open_promises:
            new_entries = self.browse(list(new_entry_by_old.values()))
            profile_of = {entry.id: entry.profile_id.id for entry in new_entries}
            sql.bulk_update(
                open_promises,
                ("queue_id", "profile_id"),
                {
                    promise.id: (
                        new_entry_by_old[promise.queue_id.id],
                        profile_of[new_entry_by_old[promise.queue_id.id]],
                    )
                    for promise in open_promises
                },
            )
            open_promises.invalidate_recordset(["queue_id", "profile_id"])

    def _update_amounts(self, values_by_entry):
        """Store refreshed figures on open entries, a few thousand per statement.

        :param values_by_entry: {entry id: (amount_past_due, amount_due,
            credit_amount, days_past_due)}
        """
        sql.bulk_update(self, AMOUNT_FIELDS, values_by_entry)
        self.invalidate_model([*AMOUNT_FIELDS, "write_date", "write_uid"])

    @api.model
    def _current_entries(self, partners, company=None):
        """{commercial partner id: open entry} as seen from ``company`` (default:
        the current one): the customer's entry in that company or, for a branch,
        in the nearest parent company that has one."""
        company = company or self.env.company
        lineage = company.sudo().parent_ids  # root first, the company itself last
        depth = {ancestor.id: index for index, ancestor in enumerate(lineage)}
        entries = self.sudo().search(
            [
                ("partner_id", "in", partners.commercial_partner_id.ids),
                ("company_id", "in", lineage.ids),
                ("state", "=", "open"),
            ]
        )
        current = {}
        for entry in entries.sorted(lambda entry: depth[entry.company_id.id]):
            current[entry.partner_id.id] = entry
        return current
