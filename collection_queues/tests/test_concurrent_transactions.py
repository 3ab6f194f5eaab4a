# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Real concurrent transactions on the same customers: the refresh job and users.

These tests cannot run inside the test's own transaction: every actor has a
database connection of its own, and the data they share is committed. It lives in
the main company (customers, invoices and a queue of their own) and is removed at
the end.
"""

import threading
import time
from contextlib import contextmanager
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import SQL

CUSTOMERS = 12
# How long an actor waits for another before the test gives up (no hang).
LOCK_TIMEOUT = "30s"


class ConcurrentCase(BaseCase):
    """Customers, invoices and queues of their own, committed, and actors each
    in a transaction of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.addClassCleanup(cls.remove_shared_data)
        with cls.transaction() as env:
            company = env.ref("base.main_company")
            cls.company_id = company.id
            taken = max(
                [
                    0,
                    *env["collection.profile"]
                    .with_context(active_test=False)
                    .search([("company_id", "=", company.id)])
                    .mapped("sequence_number"),
                ]
            )
            cls.sequenced_id = (
                env["collection.profile"]
                .create(
                    {
                        "name": "Concurrency: past due",
                        "company_id": company.id,
                        "auto_sequence": True,
                        "sequence_number": taken + 1000,
                        "days_past_due_min": 1,
                    }
                )
                .id
            )
            cls.manual_id = (
                env["collection.profile"]
                .create({"name": "Concurrency: legal", "company_id": company.id})
                .id
            )
            cls.call_type_id = env.ref("collection_queues.activity_type_note").id
            # What the demo data left for the refresh job is not this test's work.
            env["collection.refresh.request"].search([]).unlink()
            cls.partner_ids = (
                env["res.partner"]
                .create(
                    [
                        {"name": f"Concurrency customer {number}", "is_company": True}
                        for number in range(CUSTOMERS)
                    ]
                )
                .ids
            )

    @classmethod
    def remove_shared_data(cls):
        with cls.transaction() as env:
            partners = env["res.partner"].browse(getattr(cls, "partner_ids", []))
            entries = (
                env["collection.queue"]
                .with_context(active_test=False)
                .search([("partner_id", "in", partners.ids)])
            )
            env["mail.activity"].search(
                [("res_model", "=", "collection.queue"), ("res_id", "in", entries.ids)]
            ).unlink()
            for table in ("mail_followers", "mail_message"):
                env.cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE model = 'collection.queue' "
                        "AND res_id = ANY(%s)"
                        if table == "mail_message"
                        else "DELETE FROM %s WHERE res_model = 'collection.queue' "
                        "AND res_id = ANY(%s)",
                        SQL.identifier(table),
                        entries.ids,
                    )
                )
            # The history and the entries are append-only for the application:
            # only a test cleaning up after itself removes them.
            for table in (
                "collection_activity",
                "collection_promise",
                "collection_queue",
                "collection_refresh_request",
            ):
                env.cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE partner_id = ANY(%s)",
                        SQL.identifier(table),
                        partners.ids,
                    )
                )
            cls.remove_payments(env, partners.ids)
            moves = env["account.move"].search([("partner_id", "in", partners.ids)])
            moves.filtered(lambda move: move.state == "posted").button_draft()
            moves.with_context(force_delete=True).unlink()
            env.cr.execute(
                SQL(
                    "DELETE FROM collection_profile WHERE id = ANY(%s)",
                    [getattr(cls, "sequenced_id", 0), getattr(cls, "manual_id", 0)],
                )
            )
            partners.unlink()

    @staticmethod
    def remove_payments(env, partner_ids):
        payments = env["account.payment"].search([("partner_id", "in", partner_ids)])
        payments.action_draft()
        payments.unlink()

    # ------------------------------------------------------------------
    # Actors: each a transaction of its own
    # ------------------------------------------------------------------

    @classmethod
    @contextmanager
    def transaction(cls):
        """A transaction of its own, committed at the end (rolled back on error)."""
        with cls.registry.cursor() as cr:
            cr.execute(SQL("SET lock_timeout = %s", LOCK_TIMEOUT))
            yield api.Environment(cr, SUPERUSER_ID, {})

    def in_thread(self, work):
        """Run ``work(env)`` in a transaction of its own in another thread, as a
        concurrent request or job would; return (thread, outcome, backend pid)."""
        outcome = {}
        started = threading.Event()

        def run():
            try:
                with self.registry.cursor() as cr:
                    cr.execute(SQL("SET lock_timeout = %s", LOCK_TIMEOUT))
                    cr.execute("SELECT pg_backend_pid()")
                    outcome["pid"] = cr.fetchone()[0]
                    started.set()
                    outcome["result"] = work(api.Environment(cr, SUPERUSER_ID, {}))
            except Exception as error:  # reported to the test
                outcome["error"] = error
            finally:
                started.set()

        thread = threading.Thread(target=run, name="concurrent actor")
        thread.start()
        started.wait(30)
        return thread, outcome

    def wait_until_blocked(self, outcome):
        """Wait until the other transaction waits for a lock we hold."""
        with self.registry.cursor() as cr:
            for _attempt in range(300):
                cr.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                    [outcome.get("pid")],
                )
                row = cr.fetchone()
                if row and row[0] == "Lock":
                    return
                time.sleep(0.05)
        self.fail("the other transaction never waited for ours")

    def finish(self, thread, outcome):
        thread.join(60)
        self.assertFalse(thread.is_alive(), "the concurrent transaction hangs")
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")

    # ------------------------------------------------------------------
    # Shared data
    # ------------------------------------------------------------------

    def invoice_everyone(self, days_past_due, amount=300.0):
        """A posted invoice for every customer (the posting queues them)."""
        with self.transaction() as env:
            due = fields.Date.today() - timedelta(days=days_past_due)
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner_id,
                        "company_id": self.company_id,
                        "invoice_date": due,
                        "invoice_date_due": due,
                        "invoice_line_ids": [
                            fields.Command.create(
                                {
                                    "name": "Service",
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "tax_ids": [fields.Command.clear()],
                                }
                            )
                        ],
                    }
                    for partner_id in self.partner_ids
                ]
            )
            moves.action_post()
            env["collection.refresh.request"]._enqueue(moves.partner_id, force=True)

    def run_refresh_job(self, env):
        """What the cron runner does with the refresh job: batches until done."""
        Profile = env["collection.profile"]
        Request = env["collection.refresh.request"]
        for _batch in range(10):
            Profile._cron_refresh_changed()
            if not Request.search_count([("partner_id", "in", self.partner_ids)]):
                return

    def open_entries(self):
        with self.transaction() as env:
            entries = env["collection.queue"].search(
                [("partner_id", "in", self.partner_ids), ("state", "=", "open")]
            )
            return {
                entry.partner_id.id: (entry.profile_id.id, entry.amount_due)
                for entry in entries
            }

    def waiting(self):
        with self.transaction() as env:
            return set(
                env["collection.refresh.request"]
                .search([("partner_id", "in", self.partner_ids)])
                .partner_id.ids
            )

    def history(self, partner_id, code=None):
        with self.transaction() as env:
            domain = [("partner_id", "=", partner_id)]
            if code:
                domain.append(("activity_type_id.code", "=", code))
            return (
                env["collection.activity"]
                .with_context(active_test=False)
                .search(domain)
                .mapped(lambda line: (line.activity_type_id.code, line.user_id.id))
            )

    def remove_shared_data_but_customers(self):
        """Each test starts from customers in no queue, with no invoice."""
        with self.transaction() as env:
            for table in (
                "collection_activity",
                "collection_promise",
                "collection_queue",
                "collection_refresh_request",
            ):
                env.cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE partner_id = ANY(%s)",
                        SQL.identifier(table),
                        self.partner_ids,
                    )
                )
            self.remove_payments(env, self.partner_ids)
            moves = env["account.move"].search([("partner_id", "in", self.partner_ids)])
            moves.filtered(lambda move: move.state == "posted").button_draft()
            moves.with_context(force_delete=True).unlink()

    def setUp(self):
        super().setUp()
        self.remove_shared_data_but_customers()
        self.addCleanup(self.remove_shared_data_but_customers)


@tagged("post_install", "-at_install")
class TestConcurrentTransactions(ConcurrentCase):
    """Real concurrent transactions on the same customers."""

    # ------------------------------------------------------------------
    # The refresh job meets users
    # ------------------------------------------------------------------

    def test_a_customer_placed_by_hand_meanwhile_costs_the_job_one_customer(self):
        """A user puts a customer in a queue while the job is placing it: the job
        places every other customer of its batch and leaves that one for later."""
        self.invoice_everyone(days_past_due=10)
        contested = self.partner_ids[0]
        with self.assertNoLogs("odoo", "ERROR"), self.transaction() as user_env:
            # The user's placement, not committed yet...
            user_env["res.partner"].browse(contested).collection_put_in_queue(
                self.manual_id
            )
            # ...when the job starts, and must wait for it on that customer.
            job, outcome = self.in_thread(
                lambda env: env["collection.refresh.request"]._process_batch()
            )
            self.wait_until_blocked(outcome)
        self.finish(job, outcome)  # the user committed: the job goes on
        entries = self.open_entries()
        self.assertEqual(entries.pop(contested)[0], self.manual_id)
        self.assertEqual(
            {profile_id for profile_id, _amount in entries.values()},
            {self.sequenced_id},
        )
        self.assertEqual(len(entries), CUSTOMERS - 1, "the rest of the batch placed")
        self.assertEqual(self.waiting(), {contested}, "left for the next run")
        self.assertEqual(self.history(contested), [("added", SUPERUSER_ID)])
        # The next run finds the customer pinned by the user: nothing to do.
        with self.transaction() as env:
            self.run_refresh_job(env)
        self.assertEqual(self.open_entries()[contested][0], self.manual_id)
        self.assertEqual(self.waiting(), set())
        self.assertEqual(len(self.history(contested)), 1)

    def test_an_entry_changed_by_a_user_meanwhile_costs_the_job_one_customer(self):
        """A user logs a call on an entry while the job updates every entry's
        figures: the job waits for the user, then updates all the others and
        leaves that customer for its next run, which updates it."""
        self.invoice_everyone(days_past_due=10)
        with self.transaction() as env:
            self.run_refresh_job(env)
        self.invoice_everyone(days_past_due=5, amount=200.0)  # new figures for all
        contested = self.partner_ids[3]
        with self.assertNoLogs("odoo", "ERROR"):
            with self.transaction() as user_env:
                user_env["res.partner"].browse(contested).collection_log(
                    self.call_type_id, "Called", status=False
                )
                job, outcome = self.in_thread(
                    lambda env: env["collection.refresh.request"]._process_batch()
                )
                self.wait_until_blocked(outcome)
            self.finish(job, outcome)
        entries = self.open_entries()
        self.assertAlmostEqual(entries.pop(contested)[1], 300.0, msg="not yet")
        self.assertEqual({amount for _p, amount in entries.values()}, {500.0})
        self.assertEqual(self.waiting(), {contested})
        with self.transaction() as env:
            self.run_refresh_job(env)
        self.assertAlmostEqual(self.open_entries()[contested][1], 500.0)
        self.assertEqual(self.waiting(), set())
        self.assertEqual(self.history(contested, "note"), [("note", SUPERUSER_ID)])

    def test_a_user_placing_a_customer_the_job_just_placed_is_told_so(self):
        """The job places a customer while a user puts the same customer in a
        queue: the user's request is retried (as Odoo retries any request that
        meets a concurrent update) and then refused with a clear message."""
        self.invoice_everyone(days_past_due=10)
        contested = self.partner_ids[5]

        def put_in_queue(env):
            def attempt():
                env["res.partner"].browse(contested).collection_put_in_queue(
                    self.manual_id
                )

            return retrying(attempt, env)

        with self.transaction() as job_env:
            job_env["collection.refresh.request"]._process_batch()
            user, outcome = self.in_thread(put_in_queue)
            self.wait_until_blocked(outcome)
        with self.assertRaisesRegex(UserError, "Already in a collection queue"):
            self.finish(user, outcome)
        entries = self.open_entries()
        self.assertEqual(entries[contested][0], self.sequenced_id)
        self.assertEqual(self.history(contested), [("added", False)])

    # ------------------------------------------------------------------
    # Users meet users
    # ------------------------------------------------------------------

    def test_two_users_logging_a_follow_up_on_one_entry_both_succeed(self):
        self.invoice_everyone(days_past_due=10)
        with self.transaction() as env:
            self.run_refresh_job(env)
        contested = self.partner_ids[7]
        followup = fields.Date.today() + timedelta(days=3)

        def log(env, note):
            return (
                env["res.partner"]
                .browse(contested)
                .collection_log(self.call_type_id, note, followup_date=followup)
            )

        with self.transaction() as first_env:
            log(first_env, "First call")  # not committed yet...
            # ...when the second request comes, retried by Odoo on a conflict.
            second, outcome = self.in_thread(
                lambda env: retrying(lambda: log(env, "Second call"), env)
            )
            self.wait_until_blocked(outcome)
        self.finish(second, outcome)
        self.assertEqual(
            self.history(contested, "note"),
            [("note", SUPERUSER_ID), ("note", SUPERUSER_ID)],
            "each call logged once",
        )
        with self.transaction() as env:
            entry = env["collection.queue"].search(
                [("partner_id", "=", contested), ("state", "=", "open")]
            )
            self.assertEqual(len(entry.activity_ids), 2, "a To-Do per call")
            self.assertEqual(len(entry.message_follower_ids), 1)

    # ------------------------------------------------------------------
    # Promises to pay
    # ------------------------------------------------------------------

    def promises(self, partner_id):
        with self.transaction() as env:
            return (
                env["collection.promise"]
                .search([("partner_id", "=", partner_id)], order="id")
                .mapped(lambda promise: (promise.amount, promise.state))
            )

    def test_two_users_recording_a_promise_for_one_customer_both_succeed(self):
        self.invoice_everyone(days_past_due=10)
        with self.transaction() as env:
            self.run_refresh_job(env)
        contested = self.partner_ids[8]
        promised_by = fields.Date.today() + timedelta(days=5)

        def promise(env, amount):
            return (
                env["res.partner"]
                .browse(contested)
                .collection_promise(amount, promised_by)
            )

        with self.transaction() as first_env:
            promise(first_env, 100.0)
            second, outcome = self.in_thread(
                lambda env: retrying(lambda: promise(env, 200.0), env)
            )
            self.wait_until_blocked(outcome)
        self.finish(second, outcome)
        self.assertEqual(
            self.promises(contested), [(100.0, "cancelled"), (200.0, "open")]
        )
        self.assertEqual(len(self.history(contested, "promise")), 3)

    def test_a_promise_replaced_while_the_job_judges_it_costs_one_customer(self):
        """A payment keeps a customer's promise while a user replaces it: the job
        judges and refreshes every other customer of its batch and leaves that
        one for its next run, which judges the new promise."""
        self.invoice_everyone(days_past_due=10)
        with self.transaction() as env:
            self.run_refresh_job(env)
        promised_by = fields.Date.today() + timedelta(days=5)
        contested, other = self.partner_ids[9], self.partner_ids[10]
        with self.transaction() as env:
            customers = env["res.partner"].browse([contested, other])
            customers.collection_promise(100.0, promised_by)
            invoices = env["account.move"].search(
                [("partner_id", "in", customers.ids), ("state", "=", "posted")]
            )
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoices.ids
            ).create({"group_payment": False})._create_payments()
            env["collection.refresh.request"]._enqueue(customers, force=True)
        with self.assertNoLogs("odoo", "ERROR"):
            with self.transaction() as user_env:
                user_env["res.partner"].browse(contested).collection_promise(
                    150.0, promised_by
                )
                job, outcome = self.in_thread(
                    lambda env: env["collection.refresh.request"]._process_batch()
                )
                self.wait_until_blocked(outcome)
            self.finish(job, outcome)
        self.assertEqual(self.promises(other), [(100.0, "kept")])
        self.assertNotIn(other, self.open_entries(), "paid: out of collections")
        self.assertEqual(
            self.promises(contested), [(100.0, "cancelled"), (150.0, "open")]
        )
        self.assertEqual(self.waiting(), {contested}, "left for the next run")
        with self.transaction() as env:
            self.run_refresh_job(env)
        self.assertEqual(
            self.promises(contested), [(100.0, "cancelled"), (150.0, "kept")]
        )
        self.assertNotIn(contested, self.open_entries())
