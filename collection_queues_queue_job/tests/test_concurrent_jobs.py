# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Refresh jobs running at the same time, each in a transaction of its own, as
two workers of the job queue run them."""

from psycopg2 import OperationalError

from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.collection_queues.tests import test_concurrent_transactions as core
from odoo.addons.queue_job.exception import RetryableJobError


@tagged("post_install", "-at_install")
class TestConcurrentJobs(core.ConcurrentCase):
    @classmethod
    def setUpClass(cls):
        # Removed last: removing the shared data makes jobs too.
        cls.addClassCleanup(cls.remove_jobs)
        super().setUpClass()

    def setUp(self):
        self.addCleanup(self.remove_jobs)
        super().setUp()

    @classmethod
    def remove_jobs(cls):
        """The jobs the invoices made: no runner takes them in the tests."""
        with cls.transaction() as env:
            env.cr.execute(
                SQL(
                    "DELETE FROM queue_job WHERE method_name = %s",
                    "_job_refresh_customers",
                )
            )

    def refresh_job(self, partner_ids):
        return lambda env: env["collection.refresh.request"]._job_refresh_customers(
            partner_ids
        )

    def test_refresh_jobs_of_one_company_run_side_by_side(self):
        """Two workers take two batches of one company: each does its batch
        while the other's transaction is still open."""
        self.invoice_everyone(days_past_due=10)
        half = len(self.partner_ids) // 2
        first, second = self.partner_ids[:half], self.partner_ids[half:]
        with self.transaction() as env:
            self.refresh_job(first)(env)
            thread, outcome = self.in_thread(self.refresh_job(second))
            summary = self.finish(thread, outcome)
        self.assertIn(f"{len(second)} added", summary)
        entries = self.open_entries()
        self.assertEqual(set(entries), set(self.partner_ids))
        for partner_id in self.partner_ids:
            self.assertEqual(len(self.history(partner_id, "added")), 1)
        self.assertFalse(self.waiting(), "every request answered")

    def test_the_same_customers_refreshed_twice_at_once_are_logged_once(self):
        """The daily job's batch and a payment's job for the same customers at
        the same time: the second waits for the first's rows; then it leaves
        them for later or is refused with an error the job queue retries; its
        retry finds nothing left to do."""
        self.invoice_everyone(days_past_due=10)
        with self.transaction() as env:
            self.refresh_job(self.partner_ids)(env)
            thread, outcome = self.in_thread(self.refresh_job(self.partner_ids))
            self.wait_until_blocked(outcome)
        try:
            summary = self.finish(thread, outcome)
        except OperationalError as error:
            self.assertIn(error.pgcode, PG_CONCURRENCY_ERRORS_TO_RETRY, error)
            summary = None
        if summary is not None:
            self.assertIn("0 added", summary)
        with self.transaction() as env:
            summary = self.refresh_job(self.partner_ids)(env)
        self.assertIn("0 added", summary)
        for partner_id in self.partner_ids:
            self.assertEqual(len(self.history(partner_id, "added")), 1)

    def test_a_managers_refresh_waits_for_the_jobs_running(self):
        """A manager refreshes customers while a job runs: the refresh waits
        for the job to commit, then does the company (not skipped)."""
        self.invoice_everyone(days_past_due=10)
        half = len(self.partner_ids) // 2
        with self.transaction() as env:
            self.refresh_job(self.partner_ids[:half])(env)
            thread, outcome = self.in_thread(
                lambda env: env["collection.profile"].refresh_queues(
                    partners=self.partner_ids
                )
            )
            self.wait_until_blocked(outcome)
        result = self.finish(thread, outcome)
        self.assertEqual(result["skipped_companies"], [])
        self.assertEqual(set(self.open_entries()), set(self.partner_ids))

    def test_a_whole_refresh_postpones_the_jobs(self):
        """A manager's refresh of every customer holds the company: a job
        meeting it is postponed (not counted as a failed try), changing
        nothing."""
        self.invoice_everyone(days_past_due=10)
        with self.transaction() as env:
            env["collection.sequencer"]._refresh(
                env["res.company"].browse(self.company_id),
                partners=env["res.partner"].browse(self.partner_ids[:1]),
            )
            thread, outcome = self.in_thread(self.refresh_job(self.partner_ids))
            with self.assertRaises(RetryableJobError) as caught:
                self.finish(thread, outcome)
        self.assertTrue(caught.exception.ignore_retry)
        self.assertEqual(set(self.open_entries()), set(self.partner_ids[:1]))
