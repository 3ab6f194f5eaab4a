# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_date, plaintext2html

from ..tools import sql, steps
from .collection_profile_step import STEP_ACTIONS
from .collection_queue import plain_html


class CollectionStepRun(models.Model):
    """That a step ran for an entry (or was passed over for a later one of the
    same kind): once per entry and step, enforced by the database. Written
    before the step's action, in the same transaction: a rerun, a crash and a
    concurrent run never run a step twice."""

    _name = "collection.step.run"
    _description = "Automatic Step Run"
    _order = "date desc, id desc"

    entry_id = fields.Many2one(
        "collection.queue",
        string="Queue Entry",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    step_id = fields.Many2one(
        "collection.profile.step",
        string="Step",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    profile_id = fields.Many2one("collection.profile", string="Queue", readonly=True)
    action = fields.Selection(STEP_ACTIONS, required=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    state = fields.Selection(
        [("done", "Done"), ("skipped", "Passed Over")],
        required=True,
        readonly=True,
        help="Passed over: a later step of the same kind was due at the same "
        "time and ran instead.",
    )

    _sql_constraints = [
        (
            "entry_step_uniq",
            "UNIQUE (entry_id, step_id)",
            "An automatic step runs once per queue entry.",
        ),
    ]

    # ------------------------------------------------------------------
    # Which steps are due, and what holds them
    # ------------------------------------------------------------------

    @api.model
    def _step_holds(self, date):
        """The holds of the steps, checked by the query that finds the due
        steps: [(code, SQL over the due step ``due``, NULL when it does not
        hold, else a value its message shows)], first that holds wins. A new
        hold is one more item here and its message in ``_hold_message``."""
        letter = self.env["collection.activity.type"]._get_system("letter")
        return [
            (
                "promise",
                SQL(
                    """
                    (SELECT max(promise.date) FROM collection_promise promise
                      WHERE promise.partner_id = due.partner_id
                        AND promise.company_id = due.company_id
                        AND promise.state = 'open' AND promise.date >= %s)
                    """,
                    date,
                ),
            ),
            (
                # Nothing past due is claimed, and something is in dispute.
                "dispute",
                SQL(
                    """
                    CASE WHEN COALESCE(due.days_past_due, 0) <= 0 THEN (
                        SELECT NULLIF(count(*), 0) FROM collection_dispute dispute
                         WHERE dispute.partner_id = due.partner_id
                           AND dispute.company_id = due.company_id
                           AND dispute.state = 'open')
                    END
                    """
                ),
            ),
            (
                "quiet",
                SQL(
                    """
                    CASE WHEN due.action IN %s THEN (
                        SELECT last.contact FROM (SELECT GREATEST(
                            (SELECT max(run.date) FROM collection_step_run run
                              WHERE run.entry_id = due.entry_id
                                AND run.state = 'done' AND run.action IN %s),
                            (SELECT max(line.date)::date FROM collection_activity line
                              WHERE line.queue_id = due.entry_id
                                AND line.activity_type_id = %s)
                        ) AS contact) last
                         WHERE %s - last.contact < due.quiet_days)
                    END
                    """,
                    steps.CONTACT_ACTIONS,
                    steps.CONTACT_ACTIONS,
                    letter.id,
                    date,
                ),
            ),
        ]

    @api.model
    def _hold_message(self, hold, value):
        """Why a step waits, in words."""
        if hold == "promise":
            return self.env._(
                "Promise to pay open until %(date)s",
                date=format_date(self.env, value),
            )
        if hold == "dispute":
            return self.env._("Everything past due is in dispute")
        if hold == "quiet":
            return self.env._(
                "Quiet days: last letter on %(date)s", date=format_date(self.env, value)
            )
        if hold == steps.HOLD_OTHER_CONTACT:
            return self.env._("Another letter goes to the customer today")
        if hold == "no_email":
            return self.env._("No e-mail address")
        if hold == "no_template":
            return self.env._("No letter template")
        return hold

    @api.model
    def _fetch_due(self, companies, date, after=0, limit=None):
        """The steps due as of ``date`` for the open entries of ``companies``
        (of entries after the id ``after``, the first ``limit`` entries): one
        query, holds included. ([steps.DueStep], the last entry of the
        batch, None without ``limit``)."""
        self.env.flush_all()
        holds = self._step_holds(date)
        batch, last_entry_id = SQL(), None
        if limit:
            # The batch: the next ``limit`` open entries whose queue has steps.
            self.env.cr.execute(
                SQL(
                    """
                    SELECT entry.id FROM collection_queue entry
                     WHERE entry.state = 'open' AND entry.id > %s
                       AND entry.company_id = ANY(%s)
                       AND EXISTS (
                           SELECT 1 FROM collection_profile_step step
                            WHERE step.profile_id = entry.profile_id AND step.active)
                     ORDER BY entry.id LIMIT %s
                    """,
                    after,
                    companies.ids,
                    limit,
                )
            )
            entry_ids = [row[0] for row in self.env.cr.fetchall()]
            last_entry_id = entry_ids[-1] if entry_ids else after
            batch = SQL("AND entry.id = ANY(%s)", entry_ids)
        self.env.cr.execute(
            SQL(
                """
                WITH due AS (
                    SELECT entry.id AS entry_id, entry.partner_id, entry.company_id,
                           entry.days_past_due,
                           step.id AS step_id, step.action, step.day, step.sequence,
                           COALESCE(company.collection_quiet_days, 0) AS quiet_days
                      FROM collection_queue entry
                      JOIN collection_profile_step step
                        ON step.profile_id = entry.profile_id AND step.active
                      JOIN res_company company ON company.id = entry.company_id
                     WHERE entry.state = 'open'
                       AND entry.company_id = ANY(%(companies)s)
                       AND entry.id > %(after)s
                       %(batch)s
                       AND %(date)s - entry.date_start::date >= step.day
                       AND NOT EXISTS (
                           SELECT 1 FROM collection_step_run run
                            WHERE run.entry_id = entry.id AND run.step_id = step.id)
                )
                SELECT due.entry_id, due.step_id, due.action, due.day, due.sequence,
                       %(holds)s
                  FROM due
                 ORDER BY due.entry_id, due.day, due.sequence, due.step_id
                """,
                companies=companies.ids,
                after=after,
                batch=batch,
                date=date,
                holds=SQL(", ").join(hold_sql for _code, hold_sql in holds),
            )
        )
        due_steps = []
        for entry_id, step_id, action, day, sequence, *values in self.env.cr.fetchall():
            hold, value = next(
                (
                    (code, value)
                    for (code, _sql), value in zip(holds, values, strict=True)
                    if value is not None
                ),
                (None, None),
            )
            due_steps.append(
                steps.DueStep(entry_id, step_id, action, day, sequence, hold, value)
            )
        return due_steps, last_entry_id

    @api.model
    def _hold_letters(self, due_steps):
        """The letter steps that cannot go out: no letter template, or for an
        e-mail, no address. {(entry id, step id): hold}"""
        letter_steps = [due for due in due_steps if due.action in steps.CONTACT_ACTIONS]
        if not letter_steps:
            return {}
        Queue = self.env["collection.queue"].sudo()
        entries = Queue.browse({due.entry_id for due in letter_steps})
        step_of = {
            step.id: step
            for step in self.env["collection.profile.step"]
            .sudo()
            .browse({due.step_id for due in letter_steps})
        }
        emailed = entries.browse(
            {due.entry_id for due in letter_steps if due.action == "email"}
        )
        without_email = {
            entry.id for entry in emailed if not entry.letter_recipient_id.email
        }
        held = {}
        for due in letter_steps:
            entry = entries.browse(due.entry_id)
            if not self._letter_template(entry, step_of[due.step_id]):
                held[due.entry_id, due.step_id] = "no_template"
            elif due.action == "email" and due.entry_id in without_email:
                held[due.entry_id, due.step_id] = "no_email"
        return held

    @api.model
    def _letter_template(self, entry, step):
        return (
            step.template_id
            or entry.profile_id.letter_template_id
            or entry.company_id.collection_letter_template_id
        )

    # ------------------------------------------------------------------
    # The run
    # ------------------------------------------------------------------

    @api.model
    def _run(self, companies, date, dry_run=False, after=0, limit=None):
        """Run (or, with ``dry_run``, plan) the steps due as of ``date`` in
        ``companies``. See ``collection.profile.collection_run_steps``; also
        returns ``last_entry_id``, the last entry looked at (for a batch).
        A dry run only reads: ``collection.profile.preview_steps`` runs it in a
        read-only transaction."""
        due_steps, last_entry_id = self._fetch_due(
            companies, date, after=after, limit=limit
        )
        letter_holds = self._hold_letters([due for due in due_steps if not due.hold])
        due_steps = [
            due._replace(hold=letter_holds[due.entry_id, due.step_id], hold_value=None)
            if (due.entry_id, due.step_id) in letter_holds
            else due
            for due in due_steps
        ]
        decisions = steps.plan(due_steps)
        entries = (
            self.env["collection.queue"]
            .sudo()
            .browse({due.entry_id for due in due_steps})
        )
        partner_of = {entry.id: entry.partner_id.id for entry in entries}
        profile_of = {entry.id: entry.profile_id.id for entry in entries}
        company_of = {entry.id: entry.company_id.id for entry in entries}

        def line(due, hold=None, value=None):
            values = {
                "partner_id": partner_of[due.entry_id],
                "entry_id": due.entry_id,
                "profile_id": profile_of[due.entry_id],
                "step_id": due.step_id,
                "action": due.action,
            }
            if hold:
                values["reason"] = self._hold_message(hold, value)
            return values

        result = {
            "done": [],
            "held": [
                line(due, hold, value)
                for due, outcome, hold, value in decisions
                if outcome == steps.HOLD
            ],
            "skipped": [],
            "last_entry_id": last_entry_id,
        }
        recorded = [
            (due, outcome)
            for due, outcome, _hold, _value in decisions
            if outcome in (steps.RUN, steps.SKIP)
        ]
        if not dry_run:
            recorded = self._record_runs(
                recorded, date, partner_of, profile_of, company_of
            )
            self._apply(
                [due for due, outcome in recorded if outcome == steps.RUN],
                [due for due, outcome in recorded if outcome == steps.SKIP],
                date,
            )
        for due, outcome in recorded:
            result["done" if outcome == steps.RUN else "skipped"].append(line(due))
        return result

    @api.model
    def _record_runs(self, recorded, date, partner_of, profile_of, company_of):
        """Insert the runs, entry by entry as a unit: the entries another run
        recorded meanwhile are left out (for the next run, which finds their
        steps done); the recorded (due step, outcome) of the others."""
        by_entry = defaultdict(list)
        for due, outcome in recorded:
            by_entry[due.entry_id].append((due, outcome))
        Run = self.sudo()

        def insert(entry_ids):
            rows = [
                {
                    "entry_id": due.entry_id,
                    "step_id": due.step_id,
                    "partner_id": partner_of[due.entry_id],
                    "company_id": company_of[due.entry_id],
                    "profile_id": profile_of[due.entry_id],
                    "action": due.action,
                    "date": date,
                    "state": "done" if outcome == steps.RUN else "skipped",
                }
                for entry_id in entry_ids
                for due, outcome in by_entry[entry_id]
            ]
            try:
                sql.bulk_insert(Run, rows)
            except psycopg2.errors.UniqueViolation as error:
                # Recorded by a run that committed meanwhile: a conflict with a
                # concurrent transaction, like any other.
                raise psycopg2.errors.SerializationFailure(str(error)) from None

        conflicts = set(sql.apply_isolated(self.env.cr, insert, sorted(by_entry)))
        Run.invalidate_model()
        return [
            (due, outcome)
            for entry_id in sorted(by_entry)
            if entry_id not in conflicts
            for due, outcome in by_entry[entry_id]
        ]

    @api.model
    def _apply(self, to_run, skipped, date):
        """The steps' actions, grouped by step, then one history line each."""
        Queue = self.env["collection.queue"].sudo()
        Step = self.env["collection.profile.step"].sudo()
        by_step = defaultdict(list)
        for due in to_run:
            by_step[due.step_id].append(due.entry_id)
        emails = {}
        for step_id, entry_ids in by_step.items():
            step = Step.browse(step_id)
            entries = Queue.browse(entry_ids)
            if step.action == "email":
                for entry in entries:
                    emails[entry] = self._letter_template(entry, step)
            elif step.action == "print":
                # In bulk, as the history: a queue's tens of thousands of
                # letters on the first day of its plan.
                sql.bulk_insert(
                    self.env["collection.letter.print"],
                    [
                        {
                            "entry_id": entry.id,
                            "partner_id": entry.partner_id.id,
                            "profile_id": entry.profile_id.id,
                            "company_id": entry.company_id.id,
                            "step_id": step.id,
                            "template_id": self._letter_template(entry, step).id,
                            "date": date,
                            "state": "waiting",
                        }
                        for entry in entries
                    ],
                )
            elif step.action == "todo":
                entries._schedule_followup(
                    date,
                    step.name,
                    plaintext2html(step.note) if step.note else "",
                )
            elif step.action == "status":
                entries._change_status(
                    step.status_id,
                    note=plain_html(
                        self.env._("Automatic step: %(step)s", step=step.name)
                    ),
                )
        if emails:
            # As the user sending letters by e-mail: queued in the mail queue.
            Queue.browse([entry.id for entry in emails]).with_env(
                self.env
            )._email_letters(
                {
                    entry.with_env(self.env): template
                    for entry, template in emails.items()
                }
            )
        self._log(to_run, skipped)

    @api.model
    def _log(self, to_run, skipped):
        """A ``step`` history line per step run, naming it and its action (and
        the earlier steps of the same kind it was run instead of)."""
        Step = self.env["collection.profile.step"].sudo()
        Queue = self.env["collection.queue"].sudo()
        labels = dict(Step._fields["action"]._description_selection(self.env))
        passed_over = defaultdict(list)
        for due in skipped:
            passed_over[due.entry_id, due.action].append(due.step_id)
        lines = []
        for due in to_run:
            step = Step.browse(due.step_id)
            entry = Queue.browse(due.entry_id)
            note = self.env._(
                "%(step)s: %(action)s (day %(day)s)",
                step=step.name,
                action=labels[step.action],
                day=step.day,
            )
            earlier = passed_over.get((due.entry_id, due.action))
            if earlier:
                note += " " + self.env._(
                    "Passed over, as missed: %(steps)s.",
                    steps=", ".join(Step.browse(earlier).mapped("name")),
                )
            lines.append(
                {
                    "code": "step",
                    "row": Queue._row_of(entry),
                    "queue_id": entry.id,
                    "note": Markup("<p>%s</p>") % note,
                }
            )
        self.env["collection.activity"]._record(lines)
