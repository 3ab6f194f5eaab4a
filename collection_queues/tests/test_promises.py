# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, tagged
from odoo.tools import format_date, html2plaintext
from odoo.tools.misc import formatLang

from ..tools import promises
from .common import TODAY, CollectionCase, days_ago

COLLECTION_USER = "collection_queues.group_collection_user"


def days_ahead(days):
    return TODAY + timedelta(days=days)


@tagged("post_install", "-at_install", "collection_queues_pure")
class TestPromiseOutcome(BaseCase):
    """The judgement on its own."""

    def test_kept_as_soon_as_the_amount_is_paid(self):
        self.assertEqual(
            promises.outcome(100.0, 100.0, days_ahead(5), TODAY), promises.KEPT
        )
        self.assertEqual(
            promises.outcome(100.0, 99.996, days_ahead(5), TODAY), promises.KEPT
        )
        self.assertIsNone(promises.outcome(100.0, 99.99, days_ahead(5), TODAY))

    def test_partial_or_broken_only_after_the_deadline(self):
        deadline = days_ahead(3)
        self.assertIsNone(promises.outcome(100.0, 40.0, deadline, deadline))
        self.assertEqual(
            promises.outcome(100.0, 40.0, deadline, days_ahead(4)), promises.PARTIAL
        )
        self.assertEqual(
            promises.outcome(100.0, 0.0, deadline, days_ahead(4)), promises.BROKEN
        )
        self.assertEqual(
            promises.outcome(100.0, 0.004, deadline, days_ahead(4)), promises.BROKEN
        )

    def test_leaving_because_paid_keeps_it(self):
        self.assertEqual(
            promises.outcome(100.0, 0.0, days_ahead(3), TODAY, left_paid=True),
            promises.KEPT,
        )

    def test_deadline_and_followup_day(self):
        self.assertEqual(promises.deadline(TODAY, 3), days_ahead(3))
        self.assertEqual(promises.deadline(TODAY, -2), TODAY)
        self.assertEqual(promises.followup_day(TODAY, TODAY), days_ahead(1))
        self.assertEqual(promises.followup_day(TODAY, days_ahead(5)), days_ahead(5))


@tagged("post_install", "-at_install")
class TestPromises(CollectionCase):
    """Promises recorded by collectors and judged from Odoo's own payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.Promise = cls.env["collection.promise"]
        cls.status_broken = cls.env["collection.status"].create(
            {"name": "Promise broken"}
        )
        cls.p_1_30.broken_promise_status_id = cls.status_broken
        cls.company.collection_promise_tolerance_days = 3
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.invoice = cls.make_invoice(cls.customer, 1000, due=days_ago(10))
        cls.Profile.refresh_queues(partners=cls.customer, date=TODAY)
        cls.collector = cls.make_user("cq_promise_collector", COLLECTION_USER)
        cls.entry_of_customer = cls.Queue.search(
            [("partner_id", "=", cls.customer.id), ("state", "=", "open")]
        )
        cls.entry_of_customer.collector_id = cls.collector

    def promise(self, amount=600.0, date=None, partner=None, user=None):
        partner = partner or self.customer
        if user:
            partner = partner.with_user(user)
        ids = partner.collection_promise(
            amount, date or days_ahead(5), note="<p>By <b>wire</b></p>"
        )
        return self.Promise.browse(ids)

    def evaluate(self, on):
        return self.Promise._evaluate(partners=self.customer, date=on)

    def todos(self, entry):
        return self.env["mail.activity"].search(
            [("res_model", "=", "collection.queue"), ("res_id", "=", entry.id)]
        )

    # ------------------------------------------------------------------
    # Recording
    # ------------------------------------------------------------------

    def test_recording_logs_it_and_moves_the_followup(self):
        entry = self.entry(self.customer)
        promise = self.promise(600.0, days_ahead(5), user=self.collector)
        self.assertRecordValues(
            promise,
            [
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "queue_id": entry.id,
                    "profile_id": self.p_1_30.id,
                    "collector_id": self.collector.id,
                    "user_id": self.collector.id,
                    "amount": 600.0,
                    "date": days_ahead(5),
                    "date_deadline": days_ahead(8),
                    "state": "open",
                }
            ],
        )
        self.assertEqual(entry.promise_id, promise)
        self.assertEqual(entry.promise_state, "open")
        self.assertEqual(entry.next_followup_date, days_ahead(5))
        self.assertEqual(self.todos(entry).date_deadline, days_ahead(5))
        (line,) = self.history(self.customer, "promise")
        self.assertEqual(line.user_id, self.collector)
        self.assertEqual(line.followup_date, days_ahead(5))
        self.assertIn("Promised", html2plaintext(line.note))
        self.assertIn("600.00", html2plaintext(line.note))
        self.assertIn("<b>wire</b>", line.note, "the user's note, as HTML")
        self.assertIn("</p><p>By", line.note, "apart from the promise")
        self.assertEqual(
            promise.display_name,
            f"Promised {formatLang(self.env, 600.0, currency_obj=self.company.currency_id)}"
            f" by {format_date(self.env, days_ahead(5))}",
            "amounts and dates as Odoo formats them",
        )
        self.assertIn("600.00", self.customer.collection_promise_summary)
        self.assertIn("600.00", self.invoice.collection_promise_summary)

    def test_a_new_promise_replaces_the_open_one(self):
        first = self.promise(600.0, days_ahead(5))
        second = self.promise(900.0, days_ahead(9))
        self.assertEqual(first.state, "cancelled")
        self.assertEqual(second.state, "open")
        self.assertEqual(self.entry(self.customer).promise_id, second)
        self.assertEqual(len(self.history(self.customer, "promise")), 3)
        self.assertEqual(
            self.Promise.search_count(
                [("partner_id", "=", self.customer.id), ("state", "=", "open")]
            ),
            1,
        )

    def test_bad_promises_are_refused_and_change_nothing(self):
        lines = len(self.history(self.customer))
        for amount, date, message in [
            ("abc", days_ahead(5), "positive number"),
            (True, days_ahead(5), "positive number"),
            (0, days_ahead(5), "positive number"),
            (-10.0, days_ahead(5), "positive number"),
            (float("nan"), days_ahead(5), "positive number"),
            (100.0, days_ago(1), "today or a later day"),
            (100.0, "someday", "not a date"),
            (100.0, days_ahead(400), "more than a year"),
        ]:
            with (
                self.subTest(amount=amount, date=date),
                self.assertRaisesRegex(UserError, message),
            ):
                self.customer.collection_promise(amount, date)
        with self.assertRaisesRegex(UserError, "Not in a collection queue"):
            self.make_customer("Nobody").collection_promise(100.0, days_ahead(2))
        internal = self.make_user("cq_promise_internal", "base.group_user")
        with self.assertRaises(AccessError):
            self.customer.with_user(internal).collection_promise(100.0, days_ahead(2))
        self.assertFalse(self.Promise.search([("partner_id", "=", self.customer.id)]))
        self.assertEqual(len(self.history(self.customer)), lines)

    def test_promises_are_written_by_the_application_only(self):
        promise = self.promise()
        with self.assertRaises(AccessError):
            promise.with_user(self.collector).write({"state": "kept"})
        with self.assertRaises(UserError):
            promise.sudo().unlink()

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------

    def test_kept_when_the_amount_is_paid(self):
        promise = self.promise(600.0, days_ahead(5))
        self.pay(self.invoice, amount=600.0, payment_date=TODAY)
        self.assertEqual(self.evaluate(TODAY), {"kept": 1})
        self.assertRecordValues(
            promise,
            [{"state": "kept", "amount_paid": 600.0, "date_evaluated": TODAY}],
        )
        (line,) = self.history(self.customer, "promise_kept")
        self.assertFalse(line.user_id, "judged by the System")
        self.assertIn("kept", html2plaintext(line.note))
        self.assertEqual(self.entry(self.customer).status_id, self.status_late)
        self.assertFalse(
            self.customer.collection_promise_summary, "no open promise shown"
        )

    def test_open_until_the_deadline_then_partial(self):
        promise = self.promise(600.0, days_ahead(5))
        self.pay(self.invoice, amount=250.0, payment_date=days_ahead(2))
        self.assertEqual(self.evaluate(days_ahead(8)), {}, "the last day still counts")
        self.assertEqual(promise.state, "open")
        self.assertEqual(self.evaluate(days_ahead(9)), {"partial": 1})
        self.assertRecordValues(promise, [{"state": "partial", "amount_paid": 250.0}])
        (line,) = self.history(self.customer, "promise_broken")
        self.assertIn("250.00", html2plaintext(line.note))
        entry = self.entry(self.customer)
        self.assertEqual(entry.status_id, self.status_broken, "the queue's status")
        self.assertEqual(entry.promise_state, "partial")
        todo = self.todos(entry).filtered(
            lambda t: t.summary == "Promise to pay not kept"
        )
        self.assertEqual(
            todo.date_deadline, days_ahead(9), "the day after the deadline"
        )
        self.assertEqual(todo.user_id, self.collector)

    def test_broken_when_nothing_is_paid(self):
        promise = self.promise(600.0, days_ahead(5))
        self.assertEqual(self.evaluate(days_ahead(20)), {"broken": 1})
        self.assertRecordValues(promise, [{"state": "broken", "amount_paid": 0.0}])
        todo = self.todos(self.entry(self.customer)).filtered(
            lambda t: t.summary == "Promise to pay not kept"
        )
        self.assertEqual(todo.date_deadline, days_ahead(20), "judged late: today")
        self.assertIn(
            self.entry(self.customer),
            self.Queue.search([("promise_state", "in", ("broken", "partial"))]),
        )
        self.assertEqual(self.p_1_30.broken_promise_count, 1)

    def test_a_payment_on_the_tolerance_edge_counts_the_day_after_not(self):
        edge = self.make_customer("Edge Case")
        late = self.make_customer("Late Payer")
        edge_invoice = self.make_invoice(edge, 500, due=days_ago(10))
        late_invoice = self.make_invoice(late, 500, due=days_ago(10))
        self.refresh(partners=edge | late)
        kept = self.promise(500.0, days_ahead(5), partner=edge)
        broken = self.promise(500.0, days_ahead(5), partner=late)
        self.pay(edge_invoice, payment_date=days_ahead(8))
        self.pay(late_invoice, payment_date=days_ahead(9))
        self.Promise._evaluate(partners=edge | late, date=days_ahead(10))
        self.assertRecordValues(
            kept | broken,
            [
                {"state": "kept", "amount_paid": 500.0},
                {"state": "broken", "amount_paid": 0.0},
            ],
        )

    def test_the_tolerance_is_the_company_setting(self):
        self.company.collection_promise_tolerance_days = 0
        promise = self.promise(600.0, days_ahead(5))
        self.assertEqual(promise.date_deadline, days_ahead(5))
        self.evaluate(days_ahead(6))
        self.assertEqual(promise.state, "broken")

    def test_a_credit_note_is_no_payment(self):
        promise = self.promise(1000.0, days_ahead(5))
        self.reverse(self.invoice)
        self.evaluate(days_ahead(10))
        self.assertRecordValues(promise, [{"state": "broken", "amount_paid": 0.0}])

    def test_payments_before_the_promise_do_not_count(self):
        self.pay(self.invoice, amount=300.0, payment_date=days_ago(3))
        promise = self.promise(300.0, days_ahead(5))
        self.evaluate(days_ahead(10))
        self.assertRecordValues(promise, [{"state": "broken", "amount_paid": 0.0}])

    def test_instalments_and_partial_payments_add_up(self):
        customer = self.make_customer("Instalment Buyer")
        term = self.payment_term((50, 0), (50, 30))
        invoice = self.make_invoice(
            customer, 800, payment_term=term, invoice_date=days_ago(45)
        )
        self.refresh(partners=customer)
        promise = self.promise(400.0, days_ahead(5), partner=customer)
        self.pay(invoice, amount=150.0, payment_date=TODAY)
        self.Promise._evaluate(partners=customer, date=TODAY)
        self.assertEqual(promise.state, "open")
        self.pay(invoice, amount=250.0, payment_date=days_ahead(1))
        self.Promise._evaluate(partners=customer, date=days_ahead(1))
        self.assertRecordValues(promise, [{"state": "kept", "amount_paid": 400.0}])

    def test_payments_in_a_branch_count(self):
        branch = self.make_branch("Promise Branch")
        customer = self.make_customer("Branch Customer")
        invoice = self.make_invoice(customer, 700, due=days_ago(10), company=branch)
        self.refresh(partners=customer)
        promise = self.promise(700.0, days_ahead(5), partner=customer)
        self.pay(invoice.with_company(branch), payment_date=TODAY)
        self.Promise._evaluate(partners=customer, date=TODAY)
        self.assertEqual(promise.state, "kept")

    # ------------------------------------------------------------------
    # The customer's stay
    # ------------------------------------------------------------------

    def test_an_open_promise_follows_the_customer_to_another_queue(self):
        promise = self.promise(600.0, days_ahead(5))
        self.customer.collection_move_to_queue(self.p_legal)
        entry = self.entry(self.customer)
        self.assertEqual(promise.queue_id, entry)
        self.assertEqual(promise.profile_id, self.p_legal)
        self.assertEqual(entry.promise_id, promise)
        self.assertEqual(
            promise.display_name,
            f"Promised {formatLang(self.env, 600.0, currency_obj=self.company.currency_id)}"
            f" by {format_date(self.env, days_ahead(5))}",
            "amounts and dates as Odoo formats them",
        )
        self.assertIn("600.00", self.customer.collection_promise_summary)

    def test_cancelled_when_a_user_removes_the_customer(self):
        self.customer.collection_move_to_queue(self.p_legal)
        promise = self.promise(600.0, days_ahead(5))
        self.customer.collection_remove_from_queue()
        self.assertEqual(promise.state, "cancelled")
        stays = self.Queue.search([("partner_id", "=", self.customer.id)], order="id")
        self.assertEqual(stays.mapped("outcome"), ["moved", "removed"])
        self.assertEqual(
            self.env["collection.stay.report"].browse(stays.ids).mapped("outcome"),
            ["moved", "removed"],
        )
        lines = self.history(self.customer, "promise")
        self.assertIn("cancelled", html2plaintext(lines[0].note))

    def test_kept_when_the_customer_leaves_because_it_paid(self):
        promise = self.promise(300.0, days_ahead(5))
        self.pay(self.invoice, payment_date=TODAY)
        # The refresh alone, as when the promise was not judged first.
        self.refresh(partners=self.customer)
        self.assertFalse(self.entry(self.customer))
        self.assertRecordValues(promise, [{"state": "kept", "amount_paid": 1000.0}])
        self.assertEqual(promise.queue_id.outcome, "paid")
        self.assertEqual(promise.queue_id.amount_due_placed, 1000.0)

    def test_judged_within_minutes_of_the_payment(self):
        """The payment queues the customer for the refresh job, which judges
        the customer's promise before re-sequencing it."""
        self.env["collection.refresh.request"].sudo().search([]).unlink()
        promise = self.promise(400.0, days_ahead(5))
        self.pay(self.invoice, amount=400.0, payment_date=TODAY)
        self.assertTrue(self.env["collection.refresh.request"].search_count([]))
        self.env["collection.refresh.request"]._process_batch()
        self.assertEqual(promise.state, "kept")
        self.assertTrue(self.entry(self.customer), "still owes 600.00")

    def test_the_daily_job_judges_every_open_promise(self):
        other = self.make_customer("Bolt Electric")
        self.make_invoice(other, 500, due=days_ago(10))
        self.refresh(partners=other)
        first = self.promise(600.0, TODAY)
        second = self.promise(200.0, TODAY, partner=other)
        # Both deadlines passed: as if the promises were made a week ago.
        self.env.cr.execute(
            "UPDATE collection_promise SET date_deadline = %s WHERE id IN %s",
            [days_ago(1), (first.id, second.id)],
        )
        self.Profile._cron_refresh_queues()
        self.assertEqual((first | second).mapped("state"), ["broken", "broken"])

    def test_evaluating_is_one_query_plus_bulk_writes(self):
        def broken_promises(count):
            customers = self.env["res.partner"]
            for index in range(count):
                customer = self.make_customer(f"Bulk {count} {index}")
                self.make_invoice(customer, 500, due=days_ago(10))
                customers |= customer
            self.refresh(partners=customers)
            customers.collection_promise(100.0, TODAY)
            return customers

        def queries(customers):
            self.env.flush_all()
            self.env.cr.precommit.run()  # notifications of the setup
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Promise._evaluate(partners=customers, date=days_ahead(10))
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        few, many = broken_promises(2), broken_promises(8)
        self.assertEqual(queries(few), queries(many), "no query per promise")
        self.assertEqual(
            set(
                self.Promise.search([("partner_id", "in", (few | many).ids)]).mapped(
                    "state"
                )
            ),
            {"broken"},
        )

    # ------------------------------------------------------------------
    # The dialog
    # ------------------------------------------------------------------

    def test_the_dialog_from_an_entry(self):
        entry = self.entry(self.customer)
        wizard = (
            self.env["collection.promise.wizard"]
            .with_user(self.collector)
            .with_context(active_model="collection.queue", active_ids=entry.ids)
            .create({"date": days_ahead(4)})
        )
        self.assertEqual(wizard.amount, entry.amount_past_due, "what is past due")
        self.assertIn("Acme Plumbing promises", wizard.summary)
        self.assertNotIn("replacing", wizard.summary)
        wizard.action_apply()
        self.assertEqual(entry.promise_id.amount, entry.amount_past_due)
        again = (
            self.env["collection.promise.wizard"]
            .with_user(self.collector)
            .with_context(active_model="res.partner", active_ids=self.customer.ids)
            .create({"date": days_ahead(4), "amount": 50.0})
        )
        self.assertIn("replacing 1 open promise", again.summary)
