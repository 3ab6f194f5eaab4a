# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..hooks import refuse_if_in_use
from . import collection_arguments as arguments

# How the collection fields of a customer are searched (those of its entry).
SEARCH_OPERATORS = ("=", "!=", "in", "not in", "ilike", "not ilike")
# Searched on every entry, as every internal user reads them (the banner); the
# field of the entry each one shows (None: whether there is one).
BANNER_SEARCH_FIELDS = {
    "in_collections": None,
    "collection_status_id": "status_id",
    "collection_collector_id": "collector_id",
}


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "collection.banner.mixin"]

    # The banner fields (collection.banner.mixin) are the customer's, in the
    # current company; searchable too.
    collection_queue_id = fields.Many2one(search="_search_collection_queue_id")
    collection_profile_id = fields.Many2one(search="_search_collection_profile_id")
    collection_status_id = fields.Many2one(search="_search_collection_status_id")
    collection_collector_id = fields.Many2one(search="_search_collection_collector_id")
    in_collections = fields.Boolean(search="_search_in_collections")
    collection_activity_ids = fields.One2many(
        "collection.activity",
        "partner_id",
        string="Collection History",
        groups="collection_queues.group_collection_user",
    )
    # What the record rules of disputes read: the customer's entries.
    collection_entry_ids = fields.One2many(
        "collection.queue",
        "partner_id",
        string="Queue Entries",
        groups="collection_queues.group_collection_user",
    )
    collection_activity_count = fields.Integer(
        string="Collection History Count",
        compute="_compute_collection_activity_count",
        groups="collection_queues.group_collection_user",
    )

    def _collection_customer(self):
        return self.commercial_partner_id, self.env.company

    @api.model
    def _collection_customer_fields(self):
        return ["commercial_partner_id"]

    def _compute_collection_activity_count(self):
        # The lines the user may read (their queues, their companies).
        counts = dict(
            self.env["collection.activity"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.collection_activity_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_open_collection_history(self):
        """The customer's collection history, as a list to sort, group and analyse."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "collection_queues.action_collection_activity"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        action["display_name"] = self.env._(
            "Collection History of %(customer)s",
            customer=self.commercial_partner_id.display_name,
        )
        return action

    def _where_calc(self, domain, active_test=True):
        # The history and the entries searched only by who may read them (Odoo
        # checks the groups of the fields it reads, not of the one2many fields a
        # domain goes through).
        guarded = {
            leaf[0].split(".")[0]
            for leaf in domain or ()
            if isinstance(leaf, list | tuple) and leaf and isinstance(leaf[0], str)
        } & {"collection_activity_ids", "collection_entry_ids"}
        if guarded:
            self.check_field_access_rights("read", sorted(guarded))
        return super()._where_calc(domain, active_test)

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """The banner's fields in SQL, so that customers are grouped and sorted
        by them: the value of the customer's open entry as the banner shows it
        (of the current company, or of its nearest parent company)."""
        if fname not in BANNER_SEARCH_FIELDS:
            return super()._field_to_sql(alias, fname, query, flush)
        self.check_field_access_rights("read", [fname])
        Queue = self.env["collection.queue"]
        entry_field = BANNER_SEARCH_FIELDS[fname]
        lineage = self.env.company.sudo().parent_ids.ids  # the root first
        entries = SQL(
            """
            FROM collection_queue entry
            WHERE %(partner)s = %(customer)s AND %(state)s = 'open'
              AND entry.company_id = ANY(%(lineage)s)
            """,
            partner=SQL.identifier("entry", "partner_id"),
            customer=SQL.identifier(alias, "commercial_partner_id"),
            state=SQL.identifier("entry", "state", to_flush=Queue._fields["state"]),
            lineage=lineage,
        )
        if not entry_field:
            return SQL("EXISTS(SELECT 1 %s)", entries)
        return SQL(
            "(SELECT %(value)s %(entries)s "
            "ORDER BY array_position(%(lineage)s, entry.company_id) DESC LIMIT 1)",
            value=SQL.identifier(
                "entry", entry_field, to_flush=Queue._fields[entry_field]
            ),
            entries=entries,
            lineage=lineage,
        )

    def _search_in_collections(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on In Collections."))
        in_queue = (operator == "=") == value
        return self._search_collection_entries(
            "in_collections", [], negative=not in_queue
        )

    def _search_collection_queue_id(self, operator, value):
        return self._search_collection_field(
            "collection_queue_id", "id", operator, value
        )

    def _search_collection_profile_id(self, operator, value):
        return self._search_collection_field(
            "collection_profile_id", "profile_id", operator, value
        )

    def _search_collection_status_id(self, operator, value):
        return self._search_collection_field(
            "collection_status_id", "status_id", operator, value
        )

    def _search_collection_collector_id(self, operator, value):
        return self._search_collection_field(
            "collection_collector_id", "collector_id", operator, value
        )

    def _search_collection_field(self, field_name, entry_field, operator, value):
        """Customers by a field of their open entry; a negative condition ("is
        not", "not in"...) also matches the customers in no queue."""
        if operator not in SEARCH_OPERATORS:
            raise UserError(
                self.env._(
                    "%(field)s is searched with one of %(operators)s, not %(operator)r.",
                    field=self._fields[field_name].get_description(self.env)["string"],
                    operators=", ".join(SEARCH_OPERATORS),
                    operator=operator,
                )
            )
        if operator in ("=", "!=") and value is False:
            return self._search_collection_entries(
                field_name, [(entry_field, "!=", False)], negative=operator == "="
            )
        values = value if isinstance(value, list | tuple) else [value]
        if entry_field == "id" and any(
            isinstance(item, str | dict | list | tuple | float) for item in values
        ):
            raise UserError(
                self.env._(
                    "Queue entries are searched by their ids (whole numbers), not "
                    "%(value)r.",
                    value=value,
                )
            )
        negative = operator in expression.NEGATIVE_TERM_OPERATORS
        if negative:
            operator = expression.TERM_OPERATORS_NEGATION[operator]
        return self._search_collection_entries(
            field_name, [(entry_field, operator, value)], negative=negative
        )

    def _search_collection_entries(self, field_name, entry_domain, negative=False):
        """``commercial_partner_id`` (not) in the customers of the open entries
        matching ``entry_domain`` in the current company. The banner's fields
        search every entry, as they show every customer's; the others only the
        entries the user may read: a search must not tell what a read would not.
        """
        self.check_field_access_rights("read", [field_name])
        Queue = self.env["collection.queue"]
        if field_name in BANNER_SEARCH_FIELDS:
            Queue = Queue.sudo()
        entries = Queue._search(
            [
                ("state", "=", "open"),
                ("company_id", "in", self.env.company.sudo().parent_ids.ids),
                *entry_domain,
            ]
        )
        return [
            (
                "commercial_partner_id",
                "not in" if negative else "in",
                entries.subselect(SQL.identifier("collection_queue", "partner_id")),
            )
        ]

    # ------------------------------------------------------------------
    # Collection actions (current company). Each checks the user's rights, then
    # writes as the superuser: queue entries and history are written only here
    # and by the refresh.
    # ------------------------------------------------------------------

    def _collection_check_user(self):
        if not self.env.su and not self.env.user.has_group(
            "collection_queues.group_collection_user"
        ):
            raise AccessError(
                self.env._("Only collections users can work the collection queues.")
            )
        if not self:
            raise UserError(self.env._("Select at least one customer."))
        arguments.check_read_access(self)

    def _collection_entries(self):
        """The open entries of these customers in the current company, locked
        for this transaction; every customer must be in a queue the user may
        work."""
        self._collection_check_user()
        customers = self.commercial_partner_id
        entries = self.env["collection.queue"]._current_entries(customers)
        missing = customers.filtered(lambda customer: customer.id not in entries)
        if missing:
            raise UserError(
                self.env._(
                    "Not in a collection queue: %(names)s.",
                    names=", ".join(missing.mapped("display_name")),
                )
            )
        found = self.env["collection.queue"].browse(
            [entry.id for entry in entries.values()]
        )
        if not self.env.su:
            arguments.check_read_access(found.sudo(False))
        found._lock_for_update()
        return found

    def _collection_check_profile(self, profile):
        """The profile is one the user may work with, in an allowed company."""
        if not self.env.su:
            profile.check_access("read")
        if not profile.active:
            raise UserError(
                self.env._("The queue %(queue)s is closed.", queue=profile.name)
            )
        if profile.company_id not in self.env.companies:
            raise UserError(
                self.env._(
                    "The queue %(queue)s belongs to %(company)s, which is not among "
                    "your current companies.",
                    queue=profile.name,
                    company=profile.company_id.name,
                )
            )

    @arguments.public_method
    def collection_put_in_queue(self, profile):
        """Put customers who are in no queue into ``profile`` (any profile; in a
        queue that is not sequenced they stay until a user moves or removes
        them). The profile's initial status applies.

        :param profile: a ``collection.profile`` record or id
        :return: the ids of the new queue entries
        """
        self._collection_check_user()
        profile = self._collection_profile_arg(profile)
        self._collection_check_profile(profile)
        customers = self.commercial_partner_id
        already = (
            self.env["collection.queue"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", customers.ids),
                    ("company_id", "=", profile.company_id.id),
                    ("state", "=", "open"),
                ]
            )
        )
        if already:
            raise UserError(
                self.env._(
                    "Already in a collection queue: %(names)s. Move them instead.",
                    names=", ".join(
                        f"{entry.partner_id.display_name} ({entry.profile_id.name})"
                        for entry in already
                    ),
                )
            )
        amounts = self.env["collection.sequencer"]._current_amounts(
            profile.company_id, customers
        )
        reason = self.env._("Put in queue by %(user)s", user=self.env.user.name)
        entries = self.env["collection.queue"]._place(
            [
                {
                    "partner_id": customer.id,
                    "profile": profile,
                    "reason": reason,
                    **amounts.get(customer.id, {}),
                }
                for customer in customers
            ],
            user=self.env.user,
        )
        return entries.ids

    @arguments.public_method
    def collection_move_to_queue(self, profile):
        """Move customers to a queue that is not sequenced; their status is kept.
        Moves between sequenced queues are the rules' job only.

        :param profile: a ``collection.profile`` record or id
        :return: the ids of the new queue entries
        """
        self._collection_check_user()
        profile = self._collection_profile_arg(profile)
        entries = self._collection_entries()
        self._collection_check_profile(profile)
        if profile.auto_sequence:
            raise UserError(
                self.env._(
                    "%(queue)s is a sequenced queue: customers enter it by its rules "
                    "only. Move them to a queue that is not sequenced.",
                    queue=profile.name,
                )
            )
        misplaced = entries.filtered(
            lambda entry: entry.profile_id == profile
            or entry.company_id != profile.company_id
        )
        if misplaced:
            raise UserError(
                self.env._(
                    "Cannot move %(names)s to %(queue)s: already there, or in a queue "
                    "of another company.",
                    names=", ".join(misplaced.partner_id.mapped("display_name")),
                    queue=profile.name,
                )
            )
        reason = self.env._("Moved by %(user)s", user=self.env.user.name)
        new_entries = self.env["collection.queue"]._move(
            [
                {"entry": entry, "profile": profile, "reason": reason}
                for entry in entries
            ],
            user=self.env.user,
        )
        return new_entries.ids

    @arguments.public_method
    def collection_remove_from_queue(self):
        """Take customers out of queues that are not sequenced; their status is
        cleared. The next refresh puts back those who meet a sequenced queue.

        :return: True
        """
        entries = self._collection_entries()
        sequenced = entries.filtered("profile_id.auto_sequence")
        if sequenced:
            raise UserError(
                self.env._(
                    "%(names)s: customers leave a sequenced queue by its rules only. "
                    "To take them out, move them to a queue that is not sequenced first.",
                    names=", ".join(sequenced.partner_id.mapped("display_name")),
                )
            )
        reason = self.env._("Removed by %(user)s", user=self.env.user.name)
        self.env["collection.queue"]._remove(
            [{"entry": entry, "reason": reason} for entry in entries],
            user=self.env.user,
        )
        return True

    @arguments.public_method
    def collection_change_status(self, status, note=False):
        """Change the collection status of customers in a queue.

        :param status: a ``collection.status`` record or id
        :param note: optional text (HTML) logged with the change
        :return: True
        """
        self._collection_check_user()
        status = self._collection_status_arg(status)
        note = arguments.text_arg(self.env, note, self.env._("The note"))
        if not status:
            raise UserError(self.env._("Choose the new collection status."))
        entries = self._collection_entries()
        if all(entry.status_id == status for entry in entries):
            raise UserError(
                self.env._("The status is already %(status)s.", status=status.name)
            )
        entries._change_status(status, note=note, user=self.env.user)
        return True

    @arguments.public_method
    def collection_log(
        self, activity_type, note=False, followup_date=False, status=False
    ):
        """Log an event or a note for customers in a queue; optionally set a
        follow-up date (also a To-Do for the collector) and a new status.

        :param activity_type: a ``collection.activity.type`` record or id
        :param note: optional text (HTML)
        :param followup_date: optional date (or ``YYYY-MM-DD``), within a year
        :param status: optional new ``collection.status`` record or id
        :return: the ids of the history lines logged
        """
        self._collection_check_user()
        activity_type = arguments.record_arg(
            self.env,
            "collection.activity.type",
            activity_type,
            self.env._("collection activity type"),
        )
        if not activity_type or not activity_type.active:
            raise UserError(self.env._("Choose an active activity type."))
        if activity_type.is_system and activity_type.code != "note":
            raise UserError(
                self.env._(
                    "%(type)s is logged by the application itself.",
                    type=activity_type.name,
                )
            )
        note = arguments.text_arg(self.env, note, self.env._("The note"))
        status = self._collection_status_arg(status)
        if followup_date is not False and followup_date is not None:
            followup_date = self._collection_followup_arg(followup_date)
        entries = self._collection_entries()
        today = fields.Date.context_today(self)
        activities = self.env["collection.activity"]._record(
            [
                {
                    "activity_type": activity_type,
                    "is_manual": True,
                    "row": entries._row_of(entry),
                    "queue_id": entry.id,
                    "note": note,
                    "followup_date": followup_date,
                    "status_id": (status or entry.status_id).id,
                }
                for entry in entries
            ],
            user=self.env.user,
        )
        vals = {"last_activity_date": today}
        if followup_date:
            vals["next_followup_date"] = followup_date
        entries.sudo().with_context(collection_followup_scheduled=True).write(vals)
        if status:
            changed = entries.filtered(lambda entry: entry.status_id != status)
            changed._change_status(status, user=self.env.user)
        if followup_date:
            entries._schedule_followup(
                followup_date,
                self.env._("Collection follow-up: %(type)s", type=activity_type.name),
                note,
            )
        return activities.ids

    @arguments.public_method
    def collection_promise(self, amount, date, note=False):
        """Record a customer's promise to pay ``amount`` (company currency) by
        ``date``; it replaces the customer's open promise, if any. The customer's
        next follow-up becomes the promised day; the application then judges the
        promise kept, partly kept or broken from the payments.

        :param amount: a positive number
        :param date: a date (or ``YYYY-MM-DD``) from today, within a year
        :param note: optional text (HTML)
        :return: the ids of the new promises
        """
        self._collection_check_user()
        amount = arguments.amount_arg(self.env, amount, self.env._("The amount"))
        date = self._collection_followup_arg(date)
        if date < fields.Date.context_today(self):
            raise UserError(
                self.env._(
                    "A promise to pay is for today or a later day, not %(date)s.",
                    date=date,
                )
            )
        note = arguments.text_arg(self.env, note, self.env._("The note"))
        entries = self._collection_entries()
        promises = self.env["collection.promise"]._record(
            entries, amount, date, note, self.env.user
        )
        return promises.ids

    def action_collection_refresh(self):
        """Re-sequence these customers now (managers)."""
        Profile = self.env["collection.profile"]
        return Profile._refresh_notification(
            Profile.refresh_queues(partners=self.commercial_partner_id.ids)
        )

    def _collection_profile_arg(self, profile):
        profile = arguments.record_arg(
            self.env, "collection.profile", profile, self.env._("collection queue")
        )
        if not profile:
            raise UserError(self.env._("Choose a collection queue."))
        return profile

    def _collection_status_arg(self, status):
        status = arguments.record_arg(
            self.env, "collection.status", status, self.env._("collection status")
        )
        if status and not status.active:
            raise UserError(
                self.env._(
                    "The collection status %(status)s is archived.", status=status.name
                )
            )
        return status

    def _collection_followup_arg(self, value):
        """A follow-up date: a real date, within a year of today."""
        followup = arguments.date_arg(self.env, value, self.env._("Follow-up date"))
        today = fields.Date.context_today(self)
        if abs((followup - today).days) > 366:
            raise UserError(
                self.env._(
                    "The follow-up date %(date)s is more than a year from today.",
                    date=followup,
                )
            )
        return followup

    @api.ondelete(at_uninstall=True)
    def _unlink_except_in_use_at_uninstall(self):
        refuse_if_in_use(self)
