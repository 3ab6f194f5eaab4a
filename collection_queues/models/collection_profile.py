# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import format_amount

from . import collection_arguments as arguments

# What the rules' numbers may be: a century of days, PostgreSQL's integers.
MAX_DAYS = 36500
# How long a manager's refresh waits for a company another refresh holds.
MANAGER_LOCK_WAIT = "10s"
MAX_PRIORITY = 2**31 - 1


class CollectionProfile(models.Model):
    _name = "collection.profile"
    _description = "Collection Profile"
    _order = "company_id, auto_sequence desc, sequence_number desc, name, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    active = fields.Boolean(default=True)
    auto_sequence = fields.Boolean(
        string="Sequenced",
        default=False,
        help="Customers are placed in this queue, moved and removed automatically "
        "by its rules. A queue that is not sequenced only holds customers put there "
        "by a user, and the rules never take them out.",
    )
    sequence_number = fields.Integer(
        string="Priority",
        help="When a customer meets several sequenced profiles, the one with the "
        "highest number wins: number the more delinquent profiles higher. Unique "
        "per company, archived profiles included.",
    )
    days_past_due_min = fields.Integer(
        string="Days Past Due From",
        help="At least one open item must be this many days past due, or more.",
    )
    days_past_due_max = fields.Integer(
        string="Days Past Due To",
        help="...and this many days or fewer; 0 means no upper limit.",
    )
    min_amount_past_due = fields.Monetary(
        string="Minimum Amount",
        default=0.0,
        help="The items inside the days window must total strictly more than this "
        "amount (company currency).",
    )
    customer_type = fields.Selection(
        [
            ("individual", "Individuals"),
            ("company", "Companies"),
            ("both", "Both"),
        ],
        required=True,
        default="both",
    )
    partner_category_ids = fields.Many2many(
        "res.partner.category",
        string="Customer Tags",
        help="When set, only customers with at least one of these tags qualify.",
    )
    branch_ids = fields.Many2many(
        "res.company",
        "collection_profile_branch_rel",
        "profile_id",
        "branch_id",
        string="Branches",
        help="Only customers with a qualifying item in one of these branches. Empty: "
        "the company and all its branches, including branches created later.",
    )
    user_ids = fields.Many2many(
        "res.users",
        "collection_profile_user_rel",
        "profile_id",
        "user_id",
        string="Allowed Users",
        domain=lambda self: [
            (
                "groups_id",
                "in",
                self.env.ref("collection_queues.group_collection_user").id,
            )
        ],
        help="The collectors who may open this queue. Empty: every collections user.",
    )
    initial_status_id = fields.Many2one(
        "collection.status",
        string="Initial Status",
        help="The collection status given to a customer who enters this queue from "
        "no queue.",
    )
    broken_promise_status_id = fields.Many2one(
        "collection.status",
        string="Status after a Broken Promise",
        help="Given to a customer of this queue whose promise to pay is broken or "
        "only partly kept. Empty: the status stays.",
    )
    collector_id = fields.Many2one(
        "res.users",
        string="Default Collector",
        help="Collector of the customers placed in this queue.",
    )
    letter_template_id = fields.Many2one(
        "mail.template",
        string="Letter Template",
        domain="[('model', '=', 'collection.queue'), "
        "('company_id', 'in', [company_id, False])]",
    )
    exit_template_id = fields.Many2one(
        "mail.template",
        string="Exit Notice",
        domain="[('model', '=', 'collection.queue'), "
        "('company_id', 'in', [company_id, False])]",
        help="E-mailed to a customer who leaves this queue because it paid (a "
        "thank-you). Empty: no e-mail.",
    )
    entry_ids = fields.One2many("collection.queue", "profile_id", string="Entries")
    rule_summary = fields.Char(
        string="Rules",
        compute="_compute_rule_summary",
        help="Who the rules place here, in one line.",
    )
    # The overview's figures, over the open entries the user may read.
    open_entry_count = fields.Integer(
        string="Customers", compute="_compute_overview_figures"
    )
    open_amount_due = fields.Monetary(
        string="Amount Due", compute="_compute_overview_figures"
    )
    followup_due_count = fields.Integer(
        string="Follow-ups Due",
        compute="_compute_overview_figures",
        help="Customers whose next follow-up is today or late.",
    )
    open_promise_count = fields.Integer(
        string="Open Promises",
        compute="_compute_overview_figures",
        help="Customers of the queue with an open promise to pay.",
    )
    broken_promise_count = fields.Integer(
        string="Broken Promises",
        compute="_compute_overview_figures",
        help="Customers of the queue whose last promise to pay was broken or only "
        "partly kept.",
    )

    # Checked at commit, so that the constraint below reports a clear message first.
    _sql_constraints = [
        (
            "sequence_number_company_uniq",
            "EXCLUDE (company_id WITH =, sequence_number WITH =) WHERE (auto_sequence) "
            "DEFERRABLE INITIALLY DEFERRED",
            "Each sequenced profile of a company needs its own priority number "
            "(archived profiles keep theirs).",
        ),
    ]

    @api.depends(
        "auto_sequence",
        "days_past_due_min",
        "days_past_due_max",
        "min_amount_past_due",
        "currency_id",
    )
    def _compute_rule_summary(self):
        for profile in self:
            if not profile.auto_sequence:
                profile.rule_summary = self.env._("Placed by users only")
                continue
            days = (
                f"{profile.days_past_due_min}–{profile.days_past_due_max}"
                if profile.days_past_due_max
                else f"{profile.days_past_due_min}+"
            )
            profile.rule_summary = self.env._(
                "%(days)s days past due, over %(amount)s",
                days=days,
                amount=format_amount(
                    self.env, profile.min_amount_past_due, profile.currency_id
                ),
            )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_overview_figures(self):
        Queue = self.env["collection.queue"]
        domain = [("profile_id", "in", self.ids), ("state", "=", "open")]
        totals = {
            profile: (count, amount_due)
            for profile, count, amount_due in Queue._read_group(
                domain, ["profile_id"], ["__count", "amount_due:sum"]
            )
        }
        today = fields.Date.context_today(self)
        followups_due = dict(
            Queue._read_group(
                expression.AND([domain, [("next_followup_date", "<=", today)]]),
                ["profile_id"],
                ["__count"],
            )
        )
        open_promises, broken_promises = (
            dict(
                Queue._read_group(
                    expression.AND([domain, [("promise_state", "in", states)]]),
                    ["profile_id"],
                    ["__count"],
                )
            )
            for states in (["open"], ["broken", "partial"])
        )
        for profile in self:
            profile.open_entry_count, profile.open_amount_due = totals.get(
                profile, (0, 0.0)
            )
            profile.followup_due_count = followups_due.get(profile, 0)
            profile.open_promise_count = open_promises.get(profile, 0)
            profile.broken_promise_count = broken_promises.get(profile, 0)

    @api.constrains("days_past_due_min", "days_past_due_max", "min_amount_past_due")
    def _check_thresholds(self):
        for profile in self:
            if profile.days_past_due_min < 0 or profile.days_past_due_max < 0:
                raise ValidationError(self.env._("Days past due cannot be negative."))
            if profile.currency_id.compare_amounts(profile.min_amount_past_due, 0) < 0:
                raise ValidationError(
                    self.env._("The minimum amount cannot be negative.")
                )
            if 0 < profile.days_past_due_max < profile.days_past_due_min:
                raise ValidationError(
                    self.env._(
                        "%(profile)s: the days past due window ends (%(max)s) before it "
                        "starts (%(min)s).",
                        profile=profile.name,
                        min=profile.days_past_due_min,
                        max=profile.days_past_due_max,
                    )
                )

    @api.constrains("auto_sequence", "sequence_number", "company_id")
    def _check_sequence_number(self):
        for profile in self.filtered("auto_sequence"):
            if profile.sequence_number <= 0:
                raise ValidationError(
                    self.env._(
                        "%(profile)s: a sequenced profile needs a priority number "
                        "greater than zero.",
                        profile=profile.name,
                    )
                )
            taken_by = (
                self.sudo()
                .with_context(active_test=False)
                .search(
                    [
                        ("id", "!=", profile.id),
                        ("company_id", "=", profile.company_id.id),
                        ("auto_sequence", "=", True),
                        ("sequence_number", "=", profile.sequence_number),
                    ],
                    limit=1,
                )
            )
            if taken_by:
                raise ValidationError(
                    self.env._(
                        "Priority %(number)s is already used by the profile "
                        "%(other)s%(archived)s: each sequenced profile of a company "
                        "needs its own number.",
                        number=profile.sequence_number,
                        other=taken_by.name,
                        archived="" if taken_by.active else self.env._(" (archived)"),
                    )
                )

    @api.constrains("branch_ids", "company_id")
    def _check_branches(self):
        for profile in self:
            outside = profile.branch_ids.filtered(
                lambda branch,
                company=profile.company_id: not branch.parent_path.startswith(
                    company.parent_path
                )
            )
            if outside:
                raise ValidationError(
                    self.env._(
                        "%(profile)s: %(branches)s are not branches of %(company)s.",
                        profile=profile.name,
                        branches=", ".join(outside.mapped("name")),
                        company=profile.company_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_values(vals)
        return super().create(vals_list)

    @api.model
    def _check_values(self, vals):
        """The rules' values as RPC callers and imports may send them, refused
        with a clear message before the database or the ORM meets them."""
        env = self.env
        arguments.values_arg(env, vals)
        if "name" in vals and (
            not isinstance(vals["name"], str) or not vals["name"].strip()
        ):
            raise UserError(env._("A collection queue needs a name."))
        for name in ("days_past_due_min", "days_past_due_max"):
            if name in vals:
                arguments.count_arg(env, vals[name], self._field_label(name), MAX_DAYS)
        if vals.get("sequence_number"):
            arguments.count_arg(
                env,
                vals["sequence_number"],
                self._field_label("sequence_number"),
                MAX_PRIORITY,
            )
        if "min_amount_past_due" in vals:
            arguments.bounded_amount_arg(
                env,
                vals["min_amount_past_due"] or 0,
                self._field_label("min_amount_past_due"),
                arguments.MAX_AMOUNT,
            )
        if "customer_type" in vals:
            types = dict(self._fields["customer_type"]._description_selection(env))
            if not isinstance(vals["customer_type"], str) or (
                vals["customer_type"] not in types
            ):
                raise UserError(
                    env._(
                        "The customer type is one of %(types)s, not %(value)r.",
                        types=", ".join(types.values()),
                        value=vals["customer_type"],
                    )
                )

    @api.model
    def _run_date(self, date, label):
        """The date a run (a refresh, the steps) acts as of: today when not
        given; and whether it lies more than a year from today, where only a
        dry run may go."""
        today = fields.Date.context_today(self)
        if date is None or date is False:
            return today, False
        date = arguments.date_arg(self.env, date, label)
        return date, abs((date - today).days) > 366

    @api.model
    def _run_companies(self):
        """The companies a run acts on: the user's; every one for the scheduler
        (the superuser without a company context)."""
        if self.env.su and "allowed_company_ids" not in self.env.context:
            return self.env["res.company"].search([])
        return self.env.companies

    @api.model
    def _field_label(self, name):
        """A field's label in the user's language."""
        return self._fields[name].get_description(self.env)["string"]

    def write(self, vals):
        self._check_values(vals)
        if "company_id" in vals and self.env["collection.queue"].sudo().search_count(
            [
                ("profile_id", "in", self.ids),
                ("company_id", "!=", vals["company_id"]),
            ],
            limit=1,
        ):
            raise UserError(
                self.env._(
                    "The company of a profile that has customers in its queue "
                    "(or had) cannot be changed."
                )
            )
        closing = (
            self.filtered("active") if vals.get("active") is False else self.browse()
        )
        result = super().write(vals)
        if closing:
            self.env["collection.sequencer"]._close_profiles(closing)
        return result

    def action_archive(self):
        """Close the queues, and say what became of their customers: each moved
        to the sequenced queue whose rules it meets, or left collections."""
        Queue = self.env["collection.queue"].sudo()
        leaving = Queue.search([("profile_id", "in", self.ids), ("state", "=", "open")])
        result = super().action_archive()
        if not leaving:
            # Plain data for RPC callers too (XML-RPC carries no None).
            return result or True
        staying = Queue.search_count(
            [
                ("partner_id", "in", leaving.partner_id.ids),
                ("company_id", "in", leaving.company_id.ids),
                ("state", "=", "open"),
            ]
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._(
                    "%(queues)s closed: of its %(count)s customers, %(moved)s moved "
                    "to the sequenced queue whose rules they meet and %(left)s left "
                    "collections.",
                    queues=", ".join(self.mapped("name")),
                    count=len(leaving),
                    moved=staying,
                    left=len(leaving) - staying,
                ),
                "type": "info",
                "sticky": True,
            },
        }

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = (
            self.env["collection.queue"]
            .sudo()
            ._read_group([("profile_id", "in", self.ids)], ["profile_id"])
        )
        if used:
            raise UserError(
                self.env._(
                    "The profiles %(names)s have or had customers in their queue and "
                    "cannot be deleted: close (archive) them instead.",
                    names=", ".join(profile.name for (profile,) in used),
                )
            )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    @arguments.public_method
    def refresh_queues(self, partners=None, date=None, dry_run=False):
        """Re-sequence customers in the companies the user may act on.

        :param partners: commercial partners (records, an id or a list of ids);
            None for all.
        :param date: the date the days past due are counted from (a date or
            ``YYYY-MM-DD``; default today); more than a year away from today
            only for a dry run.
        :param dry_run: plan only, change nothing; the result then also lists the
            planned changes under ``changes``. The same as ``preview_refresh``,
            which is read only (a read replica may serve it).
        :return: dict with the counts ``added``, ``moved``, ``removed``,
            ``unchanged``; ``skipped_companies``, the names of the companies
            still being refreshed by someone else after 10 seconds of waiting; ``deferred``, the
            ids of the customers changed meanwhile by another user, left for the
            refresh job; with ``dry_run``, ``changes``: a list of dicts with
            ``partner_id``, ``company_id``, ``action``, ``from_profile_id``,
            ``profile_id`` and ``reason``.
        """
        if not self.env.su and not self.env.user.has_group(
            "collection_queues.group_collection_manager"
        ):
            raise AccessError(
                self.env._("Only collections managers can refresh the queues.")
            )
        if arguments.flag_arg(self.env, dry_run, self.env._("Dry run")):
            return self.preview_refresh(partners=partners, date=date)
        if partners is not None:
            partners = arguments.records_arg(
                self.env, "res.partner", partners, self.env._("customers")
            ).commercial_partner_id
        date, far = self._run_date(date, self.env._("Refresh date"))
        if far:
            raise UserError(
                self.env._(
                    "A refresh as of %(date)s, more than a year from today, would "
                    "place and remove customers by days past due nobody has "
                    "today. Preview it with a dry run instead.",
                    date=date,
                )
            )
        companies = self._run_companies()
        # A manager waits a little for the refresh jobs of a job queue (a few
        # seconds each), rather than being told to come back later.
        return self.env["collection.sequencer"]._refresh(
            companies, partners=partners, date=date, wait=MANAGER_LOCK_WAIT
        )

    @api.model
    @api.readonly
    @arguments.public_method
    def preview_refresh(self, partners=None, date=None):
        """What ``refresh_queues`` would do, changing nothing: its dry run.
        Read only: through the web client, a read replica serves it when Odoo
        has one (``db_replica_host``).

        :param partners: commercial partners (records, an id or a list of ids);
            None for all.
        :param date: the date the days past due are counted from (a date or
            ``YYYY-MM-DD``; default today), as far from today as wished.
        :return: dict with the counts ``added``, ``moved``, ``removed``,
            ``unchanged`` a refresh would make; ``changes``, the planned
            changes: a list of dicts with ``partner_id``, ``company_id``,
            ``action``, ``from_profile_id``, ``profile_id`` and ``reason``;
            ``skipped_companies`` and ``deferred``, empty (a preview holds no
            company and changes no customer).
        """
        if not self.env.su and not self.env.user.has_group(
            "collection_queues.group_collection_manager"
        ):
            raise AccessError(
                self.env._("Only collections managers can refresh the queues.")
            )
        if partners is not None:
            partners = arguments.records_arg(
                self.env, "res.partner", partners, self.env._("customers")
            ).commercial_partner_id
        date, _far = self._run_date(date, self.env._("Refresh date"))
        return self.env["collection.sequencer"]._refresh(
            self._run_companies(), partners=partners, date=date, dry_run=True
        )

    def action_refresh_queues(self):
        """The refresh dialog, showing what a refresh would do now (a list or
        kanban button: whatever the selection, every queue is refreshed)."""
        return self.env["collection.refresh.wizard"]._open_preview()

    @api.model
    def _refresh_notification(self, result):
        """A notification telling what a refresh did."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Collection queues refreshed"),
                "message": self._refresh_summary(result),
                "type": "warning" if result["skipped_companies"] else "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _refresh_summary(self, result):
        """What a refresh did, in a sentence or two."""
        summary = self.env._(
            "%(added)s added, %(moved)s moved, %(removed)s removed, "
            "%(unchanged)s unchanged.",
            added=result["added"],
            moved=result["moved"],
            removed=result["removed"],
            unchanged=result["unchanged"],
        )
        if result["skipped_companies"]:
            summary += " " + self.env._(
                "Skipped, already being refreshed: %(companies)s.",
                companies=", ".join(result["skipped_companies"]),
            )
        return summary

    def action_open_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "collection_queues.action_collection_queue"
        )
        action["domain"] = [("profile_id", "=", self.id)]
        action["context"] = {"search_default_open": 1}
        action["display_name"] = self.name
        return action

    def action_open_followups_due(self):
        action = self.action_open_entries()
        action["context"]["search_default_followup_due"] = 1
        action["help"] = Markup(
            '<p class="o_view_nocontent_smiling_face">%s</p><p>%s</p>'
        ) % (
            self.env._("No follow-up due in %(queue)s", queue=self.name),
            self.env._(
                "Every customer of this queue is followed up on a later day. Remove "
                "the Follow-up Due filter to see them all."
            ),
        )
        return action

    def action_open_open_promises(self):
        action = self.action_open_entries()
        action["context"]["search_default_promise_open"] = 1
        return action

    def action_open_broken_promises(self):
        action = self.action_open_entries()
        action["context"]["search_default_promise_broken"] = 1
        return action

    @api.model
    def _check_scheduler(self):
        """The scheduled jobs act on every company: only the scheduler and
        administrators run them."""
        if not self.env.su and not self.env.user._is_system():
            raise AccessError(
                self.env._("Only administrators run the collection jobs by hand.")
            )

    @api.model
    def _cron_refresh_queues(self):
        """Daily: queue every customer for a refresh, then let the refresh job run."""
        self._check_scheduler()
        self.env["collection.promise"]._evaluate()
        requests = self.env["collection.refresh.request"]
        requests._enqueue_all()
        requests._trigger_refresh()

    @api.model
    def _cron_refresh_changed(self):
        """Refresh the customers waiting for it, one batch per transaction."""
        self._check_scheduler()
        self.env["collection.refresh.request"]._process_batch()
