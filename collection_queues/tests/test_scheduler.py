# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.tests import tagged

from .common import CollectionCase, days_ago


@tagged("post_install", "-at_install")
class TestScheduledRefresh(CollectionCase):
    """The daily refresh, and the refresh within minutes of a change to a customer's
    receivables."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # No upper limit: the scheduled jobs count days from the real today.
        cls.profile = cls.make_profile("Past due", 10, (1, 0), 100)
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.Request = cls.env["collection.refresh.request"].sudo()
        cls.Request.search([]).unlink()  # left by the demo data
        cls.changed_cron = cls.env.ref("collection_queues.ir_cron_refresh_changed")

    def requested(self, partner):
        return self.Request.search_count([("partner_id", "=", partner.id)])

    def triggers(self):
        return (
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count([("cron_id", "=", self.changed_cron.id)])
        )

    def run_refresh_job(self):
        """What the cron runner does: call the job until nothing remains."""
        for _batch in range(100):
            self.Profile._cron_refresh_changed()
            if not self.Request.search_count([]):
                return
        self.fail("the refresh job never finished")

    def test_posting_an_invoice_queues_its_customer(self):
        triggers = self.triggers()
        invoice = self.make_invoice(self.customer, 300, due=days_ago(10), post=False)
        self.assertFalse(self.requested(self.customer))
        invoice.action_post()
        self.assertTrue(self.requested(self.customer))
        self.assertGreater(self.triggers(), triggers, "the refresh job is triggered")
        self.run_refresh_job()
        self.assertEqual(self.entry(self.customer).profile_id, self.profile)
        self.assertFalse(self.requested(self.customer))

    def test_a_contact_invoice_queues_the_commercial_partner(self):
        contact = self.env["res.partner"].create(
            {"name": "Accounts", "parent_id": self.customer.id, "type": "invoice"}
        )
        self.make_invoice(contact, 300, due=days_ago(10))
        self.assertTrue(self.requested(self.customer))

    def test_payment_and_unreconcile_queue_the_customer(self):
        invoice = self.make_invoice(self.customer, 300, due=days_ago(10))
        self.run_refresh_job()
        self.assertTrue(self.entry(self.customer))
        payment = self.pay(invoice)
        self.assertTrue(self.requested(self.customer))
        self.run_refresh_job()
        self.assertFalse(self.entry(self.customer), "paid: out of collections")
        payment.move_id.line_ids.remove_move_reconcile()
        self.assertTrue(self.requested(self.customer))
        self.run_refresh_job()
        self.assertFalse(
            self.entry(self.customer), "unreconciled, the payment still covers it"
        )
        payment.action_draft()
        self.assertTrue(self.requested(self.customer))
        self.run_refresh_job()
        self.assertTrue(self.entry(self.customer), "payment cancelled: back in")

    def test_reset_to_draft_and_credit_note_queue_the_customer(self):
        invoice = self.make_invoice(self.customer, 300, due=days_ago(10))
        self.run_refresh_job()
        invoice.button_draft()
        self.assertTrue(self.requested(self.customer))
        self.run_refresh_job()
        self.assertFalse(self.entry(self.customer))
        invoice.action_post()
        self.run_refresh_job()
        self.assertTrue(self.entry(self.customer))
        self.reverse(invoice)
        self.assertTrue(self.requested(self.customer))
        self.run_refresh_job()
        self.assertFalse(self.entry(self.customer))

    def test_vendor_bills_queue_nobody(self):
        self.make_invoice(self.customer, 300, due=days_ago(10), move_type="in_invoice")
        self.assertFalse(self.requested(self.customer))

    def test_switched_off_in_settings(self):
        settings = self.env["res.config.settings"].create({})
        settings.collection_refresh_on_change = False
        settings.execute()
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.assertFalse(self.requested(self.customer))

    def test_batches_until_done_and_resume_after_a_crash(self):
        customers = [self.make_customer(f"Customer {n}") for n in range(5)]
        for customer in customers:
            self.make_invoice(customer, 300, due=days_ago(10))
        # One batch of two (one transaction): two customers done, three waiting.
        self.Request._process_batch(batch_size=2)
        done = [customer for customer in customers if self.entry(customer)]
        waiting = [customer for customer in customers if customer not in done]
        self.assertEqual(len(done), 2)
        self.assertTrue(all(self.requested(customer) for customer in waiting))
        # The next batch fails after its entries were written: its transaction
        # is rolled back, every customer stays as it was, still waiting.
        Queue = type(self.env["collection.queue"])
        place = Queue._place

        def place_then_fail(queue, placements, user=None):
            place(queue, placements, user=user)
            raise RuntimeError("server stopped")

        with (
            patch.object(Queue, "_place", place_then_fail),
            self.assertRaises(RuntimeError),
            self.env.cr.savepoint(),
        ):
            self.Request._process_batch(batch_size=2)
        self.assertFalse(any(self.entry(customer) for customer in waiting))
        self.assertTrue(all(self.requested(customer) for customer in waiting))
        # The next run resumes with them.
        self.run_refresh_job()
        self.assertTrue(all(self.entry(customer) for customer in customers))
        self.assertEqual(
            sum(len(self.history(customer, "added")) for customer in customers), 5
        )

    def test_daily_job_queues_every_customer(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.Request.search([]).unlink()
        pinned = self.make_customer("Pinned")
        legal = self.make_profile("Legal")
        pinned.collection_put_in_queue(legal)
        self.Profile._cron_refresh_queues()
        self.assertTrue(self.requested(self.customer))
        self.assertTrue(
            self.requested(pinned), "customers in a queue are refreshed too"
        )
        self.run_refresh_job()
        self.assertEqual(self.entry(self.customer).profile_id, self.profile)
        self.assertEqual(self.entry(pinned).profile_id, legal)

    def test_daily_job_leaves_out_customers_no_rule_can_place(self):
        """Only what a refresh may change is queued: a customer whose items are
        not yet due (or younger than every sequenced window) meets no profile."""
        not_due = self.make_customer("Not yet due")
        self.make_invoice(not_due, 300, due=days_ago(-20))
        due_today = self.make_customer("Due today")
        self.make_invoice(due_today, 300, due=days_ago(0))
        self.Request.search([]).unlink()  # those of the postings
        self.Profile._cron_refresh_queues()
        self.assertFalse(self.requested(not_due))
        self.assertFalse(self.requested(due_today))
        # A window that starts on the due date takes in the customer due today.
        self.make_profile("Due", 5, (0, 0), 100)
        self.Request.search([]).unlink()
        self.Profile._cron_refresh_queues()
        self.assertFalse(self.requested(not_due))
        self.assertTrue(self.requested(due_today))

    def test_daily_time_and_switch_in_settings(self):
        daily = self.env.ref("collection_queues.ir_cron_refresh_queues")
        self.env.user.tz = "UTC"
        settings = self.env["res.config.settings"].create({})
        settings.collection_daily_refresh = True
        settings.collection_daily_refresh_time = 5.5
        settings.execute()
        self.assertTrue(daily.active)
        self.assertEqual((daily.nextcall.hour, daily.nextcall.minute), (5, 30))
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.collection_daily_refresh_time, 5.5)
        settings.collection_daily_refresh = False
        settings.execute()
        self.assertFalse(daily.active)
