# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo's records of other applications, and its past year replayed day by
day (demo data only: called from demo/collection_demo.xml when the addon is
installed with its demo data).

Uninstalling the addon keeps the demo's records that accounting still uses (its
branches, customers, and the invoices payments refer to), with their external
ids. A data file installed again would write its values over them, which
accounting refuses for a branch's parent and a posted invoice: those records
are loaded here instead, made when missing and otherwise reused as they are,
and the year is replayed only on books that do not have it yet.

A collection history is made of what happened on past days: invoices posted and
paid, the daily job placing, moving and removing customers, collectors logging
calls and recording promises. The replay does these things in the order they
happened, through Odoo's accounting and the addon's own methods, each day as of
that day. One thing it cannot get from them: the application stamps what it
writes with the moment it runs (an entry's start and end, a history line's date,
the day a promise was made or judged), which during the install is today. So,
after each past day, the replay writes that day's date on the stamps the day's
work just made, and on nothing else. The collection history is append-only for
everybody; this is the one place that writes it, for the demo's past only.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL

# Demo invoices are due this many days after their date.
DEMO_TERM_DAYS = 30
# The daily job runs once a week in the replay (and for the paying customers on
# the day of each payment, as the refresh on receivable changes does); its first
# run is as far back as a refresh may go.
DEMO_JOB_EVERY_DAYS = 7
DEMO_FIRST_JOB_DAYS_AGO = 364


class CollectionProfile(models.Model):
    _inherit = "collection.profile"

    @api.model
    def _demo_load(self, model_name, records):
        """Load the demo's ``records`` of ``model_name`` ({name of an external id
        of the addon: field values}) as a data file loads its records, one after
        the other, except those whose external id names a record already, left
        behind by an earlier install of the demo: these are reused as they are,
        their values not written (as Odoo's charts of accounts load their demo
        data)."""
        for name, values in records.items():
            self.env[model_name]._load_records(
                [
                    {
                        "xml_id": f"collection_queues.{name}",
                        "values": values,
                        "noupdate": True,
                    }
                ],
                ignore_duplicates=True,
            )

    @api.model
    def _demo_load_chart(self, branch_ids):
        """Load their parent company's chart of accounts on the branches that have
        none yet (a branch left behind by an earlier install has it)."""
        for branch in self.env["res.company"].browse(branch_ids):
            if not branch.chart_template:
                self.env["account.chart.template"]._load(
                    branch.parent_id.chart_template, branch, False
                )

    @api.model
    def _demo_replay_year(self, invoices=(), billing=(), payments=(), events=()):
        """Replay the past year, day by day, up to yesterday, on books that do
        not have it yet: when one of ``invoices`` is posted already, an earlier
        install of the demo left it behind, with the year's invoices and payments
        (accounting keeps them when the addon is uninstalled); replaying the year
        again would bill and pay it twice. The draft ones, made again, are only
        posted then, on their date.

        :param invoices: ids of draft customer invoices and credit notes, each
            posted on its invoice date
        :param billing: dicts, one per customer's series of invoices:
            ``customer``, ``company`` (optional), ``label``, ``amount``,
            ``days`` (days ago of each invoice, due ``DEMO_TERM_DAYS`` later) and
            ``paid`` ({invoice's days ago: payment's days ago, or None for still
            open}); an invoice not in ``paid`` is paid on its due date, or is
            still open when that date has not passed
        :param payments: (days ago, invoice id, amount) of the invoices above
        :param events: (days ago, user id, customer id, action, values): what a
            user did that day, see ``_demo_act``
        """
        today = fields.Date.context_today(self)
        # Without the books' chatter (invoice created, posted, paid): the
        # messages cost a thousand queries, for lines nobody reads here.
        Move = self.env["account.move"].with_context(tracking_disable=True)
        drafts = Move.browse(invoices).filtered(lambda move: move.state == "draft")
        if len(drafts) < len(invoices):
            drafts.action_post()
            return
        days = defaultdict(lambda: {"post": Move, "pay": [], "events": []})
        for invoice in Move.browse(invoices):
            days[(today - invoice.invoice_date).days]["post"] |= invoice
        for days_ago, invoice_id, amount in payments:
            days[days_ago]["pay"].append((Move.browse(invoice_id), amount))
        for series in billing:
            for days_ago, invoice in self._demo_bill(series, today).items():
                days[days_ago]["post"] |= invoice
                paid = series.get("paid", {}).get(days_ago, days_ago - DEMO_TERM_DAYS)
                if paid is not None and paid > 0:
                    days[paid]["pay"].append((invoice, None))
        for days_ago, *event in events:
            days[days_ago]["events"].append(event)
        job_days = set(range(DEMO_FIRST_JOB_DAYS_AGO, 0, -DEMO_JOB_EVERY_DAYS))
        for days_ago in sorted(set(days) | job_days, reverse=True):
            if days_ago > 0:
                self._demo_live_day(
                    today - timedelta(days=days_ago),
                    days[days_ago],
                    days_ago in job_days,
                )

    @api.model
    def _demo_bill(self, series, today):
        """{days ago: draft invoice} of one customer's series of invoices."""
        company_id = series.get("company") or self.env.company.id
        invoices = (
            self.env["account.move"]
            .with_context(tracking_disable=True)
            .create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": series["customer"],
                        "company_id": company_id,
                        "invoice_date": today - timedelta(days=days_ago),
                        "invoice_date_due": today
                        - timedelta(days=days_ago - DEMO_TERM_DAYS),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": series["label"],
                                    "quantity": 1,
                                    "price_unit": series["amount"],
                                    "tax_ids": [],
                                }
                            )
                        ],
                    }
                    for days_ago in series["days"]
                ]
            )
        )
        return dict(zip(series["days"], invoices, strict=True))

    @api.model
    def _demo_live_day(self, day, todo, job):
        """One past day: the invoices of the day posted, its payments
        registered, the daily job run (or the refresh of the customers who paid),
        the users' actions; then the stamps of the day's work dated ``day``."""
        since = fields.Datetime.now()
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM collection_promise")
        last_promise_id = self.env.cr.fetchone()[0]
        todo["post"].action_post()
        paid = self._demo_pay(day, todo["pay"])
        if job:
            self.env["collection.promise"]._evaluate(date=day)
            self.refresh_queues(date=day)
        else:
            # A payment takes nobody into a queue: only the customers in one
            # (and their promises) may change.
            in_queue = paid.filtered("in_collections")
            if in_queue:
                self.env["collection.promise"]._evaluate(partners=in_queue, date=day)
                self.refresh_queues(partners=in_queue, date=day)
        for event in todo["events"]:
            self._demo_act(day, *event)
        self._demo_date_stamps(day, since, last_promise_id)

    @api.model
    def _demo_pay(self, day, payments):
        """Register the day's payments with Odoo's payment wizard: one run for
        the invoices paid in full (per company), one per partial payment.
        Return the customers who paid."""
        Move = self.env["account.move"].with_context(tracking_disable=True)
        in_full = defaultdict(lambda: Move)
        for invoice, amount in payments:
            if amount:
                self._demo_register(invoice, day, amount=amount)
            else:
                in_full[invoice.company_id] |= invoice
        for invoices in in_full.values():
            self._demo_register(invoices, day)
        return Move.union(
            *(invoice for invoice, _amount in payments)
        ).commercial_partner_id

    @api.model
    def _demo_register(self, invoices, day, amount=None):
        values = {"payment_date": day}
        if amount:
            values["amount"] = amount
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices.ids, tracking_disable=True
        ).create(values).action_create_payments()

    @api.model
    def _demo_act(self, day, user_id, customer_id, action, values):
        """What a user did on ``day``, through the addon's methods as that user.

        Dates in ``values`` are in days ago, like the day itself. Actions:
        ``log`` (``type``, optional ``note``, ``followup``, ``status``),
        ``promise`` (``amount``, ``by``, optional ``note``), ``status``
        (``status``, optional ``note``), ``letter`` (printed, with the
        queue's letter), ``put`` and ``move`` (``queue``), ``remove``,
        ``dispute`` (``invoice``, ``reason``, optional ``amount``, ``note``) and
        ``close_dispute`` (``invoice``, ``accepted``, ``resolution``). An event
        logged or a promise recorded is the follow-up the customer's To-Dos
        due by then asked for: they are marked done first.
        """
        today = fields.Date.context_today(self)
        user = self.env["res.users"].browse(user_id)
        customer = self.env["res.partner"].with_user(user).browse(customer_id)

        def date_of(days_ago):
            return today - timedelta(days=days_ago)

        if action in ("log", "promise"):
            customer.collection_queue_id._followup_todos().filtered(
                lambda todo: todo.date_deadline <= day
            ).action_done()
        if action == "log":
            followup = values.get("followup")
            customer.collection_log(
                values["type"],
                values.get("note", False),
                followup_date=False if followup is None else date_of(followup),
                status=values.get("status", False),
            )
        elif action == "promise":
            # collection_promise rightly refuses a promised day that is past
            # today; a promise made on a past day is recorded as it records
            # one, past its checks.
            entries = customer._collection_entries()
            promised = date_of(values["by"])
            self.env["collection.promise"]._record(
                entries, values["amount"], promised, values.get("note", False), user
            )
            entries.sudo().write(
                {"last_activity_date": day, "next_followup_date": promised}
            )
        elif action == "status":
            customer.collection_change_status(
                values["status"], values.get("note", False)
            )
        elif action == "letter":
            customer.collection_queue_id.collection_send_letters(channel="print")
        elif action == "put":
            customer.collection_put_in_queue(values["queue"])
        elif action == "move":
            customer.collection_move_to_queue(values["queue"])
        elif action == "remove":
            customer.collection_remove_from_queue()
        elif action == "dispute":
            invoice = self.env["account.move"].with_user(user).browse(values["invoice"])
            disputes = self.env["collection.dispute"].browse(
                invoice.collection_dispute(
                    values["reason"], values.get("amount", False), values.get("note")
                )
            )
            disputes.sudo().write({"date": day})
        elif action == "close_dispute":
            dispute = (
                self.env["collection.dispute"]
                .with_user(user)
                .search([("move_id", "=", values["invoice"]), ("state", "=", "open")])
            )
            dispute.collection_close(values["accepted"], values["resolution"])
            dispute.sudo().write(
                {"date_closed": day, "days_to_close": (day - dispute.date).days}
            )
        else:
            raise ValueError(f"Unknown demo action {action!r}")

    @api.model
    def _demo_date_stamps(self, day, since, last_promise_id):
        """Date ``day`` what the day's work stamped with the moment of the
        install: the entries' start and end, the history lines' date (their
        time of day kept, so their order stays), the chatter messages, the
        promises' creation (from which their payments count), and the days
        stamped "today": an entry's last activity, a promise's judgement.
        Earlier days' stamps are dated already, hence before ``day``: the
        stamps after it are the day's."""
        self.env.flush_all()
        cr = self.env.cr
        for table, column in (
            ("collection_queue", "date_start"),
            ("collection_queue", "date_end"),
            ("collection_activity", "date"),
            ("mail_message", "date"),
        ):
            cr.execute(
                SQL(
                    "UPDATE %(table)s SET %(column)s = %(day)s + %(column)s::time "
                    "WHERE %(column)s >= %(since)s",
                    table=SQL.identifier(table),
                    column=SQL.identifier(column),
                    day=day,
                    since=since,
                )
            )
        cr.execute(
            SQL(
                "UPDATE collection_promise SET create_date = %s + create_date::time "
                "WHERE id > %s",
                day,
                last_promise_id,
            )
        )
        for table, column in (
            ("collection_queue", "last_activity_date"),
            ("collection_promise", "date_evaluated"),
        ):
            cr.execute(
                SQL(
                    "UPDATE %(table)s SET %(column)s = %(day)s WHERE %(column)s > %(day)s",
                    table=SQL.identifier(table),
                    column=SQL.identifier(column),
                    day=day,
                )
            )
        self.env.invalidate_all()
