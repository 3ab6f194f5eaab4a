# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict
from typing import NamedTuple

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_round, format_date, html_sanitize
from odoo.tools.misc import get_lang

from ..tools import numbers, promises, sql
from .collection_queue import plain_html

_logger = logging.getLogger(__name__)


class PromiseFacts(NamedTuple):
    """An open promise and what its customer paid since it was made."""

    promise_id: int
    amount: float
    paid: float
    date_deadline: object
    digits: int


class CollectionPromise(models.Model):
    """A customer's promise to pay an amount by a date, recorded by a collector
    and judged kept, partial or broken by the application from the payments."""

    _name = "collection.promise"
    _description = "Promise to Pay"
    _order = "date desc, id desc"

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
    currency_id = fields.Many2one(related="company_id.currency_id")
    queue_id = fields.Many2one(
        "collection.queue",
        string="Queue Entry",
        readonly=True,
        index=True,
        help="The customer's entry; an open promise follows the customer when it "
        "moves to another queue.",
    )
    profile_id = fields.Many2one(
        "collection.profile",
        string="Queue",
        readonly=True,
        index=True,
        help="The customer's queue while the promise runs.",
    )
    collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        readonly=True,
        help="The customer's collector when the promise was made.",
    )
    user_id = fields.Many2one("res.users", string="Recorded By", readonly=True)
    date = fields.Date(
        string="Promised By",
        required=True,
        readonly=True,
        help="The day the customer promised to have paid by.",
    )
    date_deadline = fields.Date(
        string="Counts Payments Until",
        required=True,
        readonly=True,
        help="The promised day plus the company's tolerance: payments made until "
        "this day count.",
    )
    amount = fields.Monetary(string="Promised", required=True, readonly=True)
    amount_paid = fields.Monetary(
        string="Paid",
        readonly=True,
        help="Payments applied to the customer's receivables since the promise, at "
        "its last evaluation.",
    )
    state = fields.Selection(
        [
            (promises.OPEN, "Open"),
            (promises.KEPT, "Kept"),
            (promises.PARTIAL, "Partially Kept"),
            (promises.BROKEN, "Broken"),
            (promises.CANCELLED, "Cancelled"),
        ],
        required=True,
        default=promises.OPEN,
        readonly=True,
        index=True,
    )
    date_evaluated = fields.Date(string="Judged On", readonly=True)
    # 100 kept, 0 partly kept or broken, empty while open or once cancelled: its
    # average is the kept rate of the promises judged.
    kept_rate = fields.Float(
        string="Kept Rate (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    note = fields.Html(readonly=True)

    _sql_constraints = [
        (
            "one_open_promise_per_customer",
            "EXCLUDE (partner_id WITH =, company_id WITH =) WHERE (state = 'open')",
            "This customer already has an open promise to pay in this company.",
        ),
        ("amount_positive", "CHECK (amount > 0)", "A promise is of a positive amount."),
    ]

    @api.depends("partner_id", "amount", "date")
    def _compute_display_name(self):
        for promise, text in self._describe_all().items():
            promise.display_name = text

    def _describe(self):
        """ "Promised $ 1,200.00 by 12/01/2026"."""
        self.ensure_one()
        return self._describe_all()[self]

    def _describe_all(self, outcome=False):
        """{promise: "Promised $ 1,200.00 by 12/01/2026"}, with the outcome
        (": kept, $ 1,200.00 paid") when ``outcome``. Amounts and dates read as
        formatLang and format_date write them, the language's settings and the
        texts' translations read once: promises are described by the thousand."""
        money, day = self._formatters()
        promised = self.env._("Promised %(amount)s by %(date)s")
        outcomes = {
            promises.KEPT: self.env._("%(promise)s: kept, %(paid)s paid"),
            promises.PARTIAL: self.env._(
                "%(promise)s: partly kept, only %(paid)s paid"
            ),
        }
        broken = self.env._("%(promise)s: broken, nothing paid")
        currencies = {company: company.currency_id for company in self.company_id}
        # Promises recorded at once read alike: each text is written once.
        written = {}
        texts = {}
        for promise in self:
            currency = currencies[promise.company_id]
            key = (promise.amount, currency, promise.date)
            if outcome:
                key += (promise.state, promise.amount_paid)
            if key not in written:
                text = promised % {
                    "amount": money(promise.amount, currency),
                    "date": day(promise.date),
                }
                if outcome:
                    text = outcomes.get(promise.state, broken) % {
                        "promise": text,
                        "paid": money(promise.amount_paid, currency),
                    }
                written[key] = text
            texts[promise] = written[key]
        return texts

    def _formatters(self):
        """(money(amount, currency), day(date)) formatting functions, each
        currency's and date's settings read once."""
        writers, days = {}, {}
        lang = self.env["res.lang"]._get_data(code=get_lang(self.env).code)

        def money(amount, currency):
            if currency not in writers:
                number = numbers.amount_writer(lang, currency.decimal_places)
                digits, symbol = currency.decimal_places, currency.symbol
                after = currency.position == "after"

                def write(value, number=number, digits=digits, symbol=symbol):
                    text = number(float_round(value, digits))
                    if not symbol:
                        return text
                    parts = (text, "\N{NO-BREAK SPACE}", symbol)
                    return "".join(parts if after else parts[::-1])

                writers[currency] = write
            return writers[currency](amount)

        def day(value):
            if value not in days:
                days[value] = format_date(self.env, value)
            return days[value]

        return money, day

    def write(self, vals):
        # The application alone writes promises (as the superuser): their
        # history follows from what happened.
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Promises change through the collection actions and their "
                    "evaluation only."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("Promises to pay are part of the collection history.")
        )

    # ------------------------------------------------------------------
    # Recording
    # ------------------------------------------------------------------

    @api.model
    def _record(self, entries, amount, date, note, user):
        """One open promise per entry's customer, replacing the open one; log
        ``promise`` and follow the customer up on the promised day (the entry's
        next follow-up and its To-Do)."""
        open_promises = self._open_of(entries)
        if open_promises:
            open_promises._close(
                promises.CANCELLED,
                fields.Date.context_today(self),
                replaced=True,
                user=user,
            )
        note = html_sanitize(note) if note else False
        today = fields.Date.context_today(self)
        deadlines = [
            (
                company.id,
                promises.deadline(date, company.collection_promise_tolerance_days),
            )
            for company in entries.company_id
        ]
        # Set-based, as the refresh: ten thousand promises recorded at once are
        # one statement reading their entries, and one pointing the entries at
        # them (the customer's next follow-up becomes the promised day).
        entries.flush_recordset()
        cr, now = self.env.cr, sql.audit_now()
        cr.execute(
            SQL(
                """
                INSERT INTO collection_promise
                       (partner_id, company_id, queue_id, profile_id, collector_id,
                        user_id, date, date_deadline, amount, amount_paid, state,
                        note, create_uid, create_date, write_uid, write_date)
                SELECT entry.partner_id, entry.company_id, entry.id,
                       entry.profile_id, COALESCE(entry.collector_id, %(user)s),
                       %(user)s, %(date)s, deadline.day, %(amount)s, 0, %(open)s,
                       %(note)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM collection_queue entry
                  JOIN (VALUES %(deadlines)s) AS deadline(company_id, day)
                    ON deadline.company_id = entry.company_id
                 WHERE entry.id = ANY(%(entries)s)
                RETURNING id, queue_id
                """,
                user=user.id,
                date=date,
                amount=amount,
                open=promises.OPEN,
                note=str(note) if note else None,
                uid=self.env.uid,
                now=now,
                deadlines=sql.values_sql("(%s, %s)", deadlines),
                entries=entries.ids,
            ),
            # A concurrent promise of the same customer is the caller's to
            # handle (and Odoo's to retry), not an error to log.
            log_exceptions=False,
        )
        entry_of = dict(cr.fetchall())
        created = self.sudo().browse(sorted(entry_of))
        cr.execute(
            SQL(
                """
                UPDATE collection_queue entry
                   SET promise_id = promise.id, last_activity_date = %(today)s,
                       next_followup_date = %(date)s,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM collection_promise promise
                 WHERE promise.id = ANY(%(promises)s)
                   AND entry.id = promise.queue_id
                """,
                today=today,
                date=date,
                uid=self.env.uid,
                now=now,
                promises=created.ids,
            )
        )
        entries.invalidate_recordset(
            [
                "promise_id",
                "last_activity_date",
                "next_followup_date",
                "write_uid",
                "write_date",
            ]
        )
        descriptions = created._describe_all()
        entry_by_id = {entry.id: entry for entry in entries}
        self.env["collection.activity"]._record(
            [
                {
                    "code": "promise",
                    "row": entries._row_of(entry_by_id[entry_of[promise.id]]),
                    "queue_id": entry_of[promise.id],
                    "note": promise._history_note(descriptions[promise], note),
                    "followup_date": date,
                }
                for promise in created
            ],
            user=user,
        )
        entries._move_followup(date)
        entries._invalidate_partner_views()
        return created

    def _history_note(self, text, note=False):
        """The history line's note: what happened, then the user's note."""
        if not note:
            return plain_html(text)
        if not isinstance(note, Markup):
            note = html_sanitize(note)  # typed by a user
        return Markup("<p>%s</p>%s") % (text, note)

    @api.model
    def _open_of(self, entries):
        """The open promises of the entries' customers, in the entries' companies."""
        return self.sudo().search(
            [
                ("partner_id", "in", entries.partner_id.ids),
                ("company_id", "in", entries.company_id.ids),
                ("state", "=", promises.OPEN),
            ]
        )

    # ------------------------------------------------------------------
    # Evaluation: fetch the payments (one set-based query), judge (pure Python,
    # tools/promises.py), apply (bulk writes and history).
    # ------------------------------------------------------------------

    @api.model
    def _evaluate(self, partners=None, date=None):
        """Judge the open promises (of ``partners``' customers; None: all) as of
        ``date``; a promise a concurrent transaction is changing is left for the
        next evaluation.

        :return: {state: number of promises} of those judged
        """
        date = date or fields.Date.context_today(self)
        outcomes = [
            (facts, state)
            for facts in self._fetch_payments(partners)
            if (
                state := promises.outcome(
                    facts.amount,
                    facts.paid,
                    facts.date_deadline,
                    date,
                    facts.digits,
                )
            )
        ]
        conflicts = sql.apply_isolated(
            self.env.cr, lambda chunk: self._apply_outcomes(chunk, date), outcomes
        )
        if conflicts:
            _logger.info(
                "Promise evaluation: %s promises changed meanwhile, left for the next run",
                len(conflicts),
            )
        left_open = {facts.promise_id for facts, _state in conflicts}
        counts = defaultdict(int)
        for facts, state in outcomes:
            if facts.promise_id not in left_open:
                counts[state] += 1
        return dict(counts)

    @api.model
    def _fetch_payments(self, partners=None, promise_ids=None):
        """The open promises (of these customers, or these promises) with what
        their customer paid: the amounts of the customer's receivable items of
        the company tree settled by payments (a credit note is no payment)
        dated from the day of the promise to its deadline."""
        self.env.flush_all()
        conditions = [SQL("promise.state = 'open'")]
        if partners is not None:
            conditions.append(
                SQL("promise.partner_id = ANY(%s)", partners.commercial_partner_id.ids)
            )
        if promise_ids is not None:
            conditions.append(SQL("promise.id = ANY(%s)", list(promise_ids)))
        rows = self.env.execute_query(
            SQL(
                """
                SELECT promise.id, promise.amount::float8,
                       COALESCE(paid.amount, 0)::float8, promise.date_deadline,
                       currency.decimal_places
                  FROM collection_promise promise
                  JOIN res_company company ON company.id = promise.company_id
                  JOIN res_currency currency ON currency.id = company.currency_id
                  LEFT JOIN LATERAL (
                      SELECT SUM(payment.amount) AS amount
                        FROM (%(payments)s) payment
                        JOIN res_company branch ON branch.id = payment.company_id
                       WHERE payment.partner_id = promise.partner_id
                         AND %(in_tree)s
                         AND payment.date BETWEEN promise.create_date::date
                                              AND promise.date_deadline
                  ) paid ON TRUE
                 WHERE %(conditions)s
                 ORDER BY promise.id
                """,
                payments=self.env["collection.receivable"]._payments_sql(),
                in_tree=self.env["collection.receivable"]._in_tree_sql(
                    "branch", "company"
                ),
                conditions=SQL(" AND ").join(conditions),
            )
        )
        return [PromiseFacts(*row) for row in rows]

    @api.model
    def _apply_outcomes(self, outcomes, date):
        """Store the judgements, log them, and follow broken promises up."""
        found = self.sudo().browse([facts.promise_id for facts, _state in outcomes])
        found._lock_for_update()
        sql.bulk_update(
            self,
            ("state", "amount_paid", "date_evaluated", "kept_rate"),
            {
                facts.promise_id: (
                    state,
                    facts.paid,
                    date,
                    100.0 if state == promises.KEPT else 0.0,
                )
                for facts, state in outcomes
            },
        )
        self.invalidate_model(["state", "amount_paid", "date_evaluated", "kept_rate"])
        found._log_outcomes(date)

    def _lock_for_update(self):
        """Lock these promises until the end of the transaction (see
        ``collection.queue._lock_for_update``)."""
        sql.lock_rows(self)

    def _log_outcomes(self, date):
        """History lines for judged promises; for those broken or partly kept, a
        To-Do for the collector and the queue's status for broken promises."""
        Queue = self.env["collection.queue"]
        # An open promise follows its customer's entry (moves carry it): that
        # entry, while open, is the customer's; the others are looked up.
        current = {
            (promise.partner_id.id, promise.company_id.id): promise.queue_id
            for promise in self
            if promise.queue_id.state == "open"
        }
        strays = self.filtered(
            lambda p: (p.partner_id.id, p.company_id.id) not in current
        )
        for company in strays.company_id:
            current.update(
                {
                    (partner_id, company.id): entry
                    for partner_id, entry in Queue._current_entries(
                        strays.filtered(
                            lambda p, c=company: p.company_id == c
                        ).partner_id,
                        company,
                    ).items()
                }
            )
        outcome_texts = self._describe_all(outcome=True)
        lines = []
        for promise in self:
            entry = current.get(
                (promise.partner_id.id, promise.company_id.id), Queue.browse()
            )
            row = Queue._row_of(entry or promise.queue_id)
            if not entry:
                row["status_id"] = False
            lines.append(
                {
                    "code": "promise_kept"
                    if promise.state == promises.KEPT
                    else "promise_broken",
                    "row": row,
                    "queue_id": (entry or promise.queue_id).id,
                    "note": promise._history_note(outcome_texts[promise]),
                }
            )
        self.env["collection.activity"]._record(lines)
        by_day, by_status = defaultdict(list), defaultdict(list)
        for promise in self.filtered(lambda p: p.state != promises.KEPT):
            entry = current.get((promise.partner_id.id, promise.company_id.id))
            if entry:
                by_day[promises.followup_day(promise.date_deadline, date)].append(
                    entry.id
                )
                status = entry.profile_id.broken_promise_status_id
                if status:
                    by_status[status].append(entry.id)
        for day, entry_ids in by_day.items():
            Queue.browse(entry_ids)._schedule_followup(
                day, self.env._("Promise to pay not kept")
            )
        for status, entry_ids in by_status.items():
            Queue.browse(entry_ids)._change_status(status)
        Queue._invalidate_partner_views()

    # ------------------------------------------------------------------
    # The customer leaves collections
    # ------------------------------------------------------------------

    @api.model
    def _customers_left(self, entries, paid, user=None):
        """The customers of ``entries`` left collections: their open promise is
        kept when they left because they paid, cancelled when a user took them
        out (or their queue was closed)."""
        open_promises = self._open_of(entries)
        if not open_promises:
            return
        today = fields.Date.context_today(self)
        if not paid:
            open_promises._close(promises.CANCELLED, today, user=user)
            return
        facts = self._fetch_payments(promise_ids=open_promises.ids)
        self._apply_outcomes([(row, promises.KEPT) for row in facts], today)

    def _close(self, state, date, replaced=False, user=None):
        """End open promises without a judgement: cancelled (replaced by a new
        one, or the customer taken out of collections by a user)."""
        self._lock_for_update()
        self.sudo().write({"state": state, "date_evaluated": date})
        # Before a new promise of the same customers is inserted.
        self.flush_recordset(["state"])
        descriptions = self._describe_all()
        lines = []
        for promise in self:
            text = (
                self.env._(
                    "%(promise)s: replaced by a new promise",
                    promise=descriptions[promise],
                )
                if replaced
                else self.env._(
                    "%(promise)s: cancelled, the customer left collections",
                    promise=descriptions[promise],
                )
            )
            lines.append(
                {
                    "code": "promise",
                    "row": self.env["collection.queue"]._row_of(promise.queue_id),
                    "queue_id": promise.queue_id.id,
                    "note": promise._history_note(text),
                }
            )
        self.env["collection.activity"]._record(lines, user=user)
