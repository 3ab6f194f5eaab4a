from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "collection.banner.mixin"]

    # The banner fields (collection.banner.mixin) are the customer's, in the
    # current company; these two are searchable too.
    collection_queue_id = fields.Many2one(search="_search_collection_queue_id")
    in_collections = fields.Boolean(search="_search_in_collections")
    collection_activity_ids = fields.One2many(
        "collection.activity",
        "partner_id",
        string="Collection History",
        groups="collection_queues.group_collection_user",
    )

    def _collection_customer(self):
        return self.commercial_partner_id, self.env.company

    def _search_in_collections(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on In Collections."))
        in_queue = (operator == "=" and value) or (operator == "!=" and not value)
        query = (
            self.env["collection.queue"]
            .sudo()
            ._search(
                [
                    ("state", "=", "open"),
                    ("company_id", "in", self.env.company.sudo().parent_ids.ids),
                ]
            )
        )
        subquery = query.subselect(SQL.identifier("collection_queue", "partner_id"))
        return [("commercial_partner_id", "in" if in_queue else "not in", subquery)]

    def _search_collection_queue_id(self, operator, value):
        entries = (
            self.env["collection.queue"]
            .sudo()
            ._search(
                [
                    ("state", "=", "open"),
                    ("company_id", "in", self.env.company.sudo().parent_ids.ids),
                    ("id", operator, value),
                ]
            )
        )
        return [
            (
                "commercial_partner_id",
                "in",
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
        self.check_access("read")

    def _collection_entries(self):
        """The open entries of these customers in the current company; every
        customer must be in a queue the user may work."""
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
        found = self.env["collection.queue"].union(*entries.values())
        if not self.env.su:
            found.sudo(False).check_access("read")
        return found

    def _collection_check_profile(self, profile):
        """The profile is one the user may work with, in an allowed company."""
        profile.ensure_one()
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

    def collection_put_in_queue(self, profile):
        """Put customers who are in no queue into ``profile`` (any profile; in a
        queue that is not sequenced they stay until a user moves or removes
        them). The profile's initial status applies."""
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
        return self.env["collection.queue"]._place(
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

    def collection_move_to_queue(self, profile):
        """Move customers to a queue that is not sequenced; their status is kept.
        Moves between sequenced queues are the rules' job only."""
        entries = self._collection_entries()
        profile = self._collection_profile_arg(profile)
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
        return self.env["collection.queue"]._move(
            [
                {"entry": entry, "profile": profile, "reason": reason}
                for entry in entries
            ],
            user=self.env.user,
        )

    def collection_remove_from_queue(self):
        """Take customers out of queues that are not sequenced; their status is
        cleared. The next refresh puts back those who meet a sequenced queue."""
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

    def collection_change_status(self, status, note=False):
        """Change the collection status of customers in a queue."""
        entries = self._collection_entries()
        status = self._collection_record_arg("collection.status", status)
        if not status:
            raise UserError(self.env._("Choose the new collection status."))
        if all(entry.status_id == status for entry in entries):
            raise UserError(
                self.env._("The status is already %(status)s.", status=status.name)
            )
        entries._change_status(status, note=note, user=self.env.user)
        return True

    def collection_log(
        self, activity_type, note=False, followup_date=False, status=False
    ):
        """Log an event or a note for customers in a queue; optionally set a
        follow-up date (also a To-Do for the collector) and a new status."""
        entries = self._collection_entries()
        activity_type = self._collection_record_arg(
            "collection.activity.type", activity_type
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
        status = self._collection_record_arg("collection.status", status)
        if followup_date:
            followup_date = self.env["collection.sequencer"]._date_arg(followup_date)
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
        entries.sudo().write(vals)
        if status:
            changed = entries.filtered(lambda entry: entry.status_id != status)
            changed._change_status(status, user=self.env.user)
        if followup_date:
            for entry in entries.sudo():
                entry.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=followup_date,
                    summary=self.env._(
                        "Collection follow-up: %(type)s", type=activity_type.name
                    ),
                    note=note or "",
                    user_id=(entry.collector_id or self.env.user).id,
                )
        return activities

    def action_collection_refresh(self):
        """Re-sequence these customers now (managers)."""
        Profile = self.env["collection.profile"]
        return Profile._refresh_notification(
            Profile.refresh_queues(partners=self.commercial_partner_id)
        )

    def _collection_profile_arg(self, profile):
        profile = self._collection_record_arg("collection.profile", profile)
        if not profile:
            raise UserError(self.env._("Choose a collection queue."))
        return profile

    def _collection_record_arg(self, model, value):
        """Accept a record or an id (RPC callers pass ids)."""
        if not value:
            return self.env[model]
        if isinstance(value, models.BaseModel):
            record = value
        else:
            record = self.env[model].browse(int(value))
        if not record.exists():
            raise UserError(self.env._("The record you chose no longer exists."))
        return record.ensure_one()
