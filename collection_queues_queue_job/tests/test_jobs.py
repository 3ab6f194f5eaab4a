# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo import SUPERUSER_ID, fields
from odoo.tests import tagged

from odoo.addons.collection_queues.models import collection_profile_steps
from odoo.addons.collection_queues.tests.common import CollectionCase, days_ago
from odoo.addons.queue_job.job import Job, identity_exact
from odoo.addons.queue_job.tests.common import trap_jobs

from ..models.collection_refresh_request import BATCH_SIZE_PARAM, CHANNEL


def perform_all(trap):
    """Perform the trapped jobs and those they enqueue, until none is left."""
    for _round in range(20):
        if not trap.enqueued_jobs:
            return
        trap.perform_enqueued_jobs()
    raise AssertionError("the jobs kept enqueuing jobs")


@tagged("post_install", "-at_install")
class TestRefreshJobs(CollectionCase):
    """The daily job and the refresh after changes, as jobs of the job queue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile = cls.make_profile("Past due", 10, (1, 0), 100)
        cls.Request = cls.env["collection.refresh.request"].sudo()
        cls.Request.search([]).unlink()  # left by the demo data
        cls.customers = [cls.make_customer(f"Customer {n}") for n in range(5)]
        for customer in cls.customers:
            cls.make_invoice(customer, 300, due=days_ago(10))
        cls.Request.search([]).unlink()
        cls.env["ir.config_parameter"].sudo().set_param(BATCH_SIZE_PARAM, 2)
        cls.Job = cls.env["queue.job"].sudo()

    def setUp(self):
        super().setUp()
        # The jobs of the set-up's changes are not this test's.
        self.env.cr.postcommit.clear()

    def refresh_jobs(self):
        return self.Job.search(
            [("method_name", "=", "_job_refresh_customers"), ("state", "=", "pending")]
        )

    def test_the_daily_job_makes_a_job_per_batch_then_the_steps(self):
        with trap_jobs() as trap:
            self.env["collection.profile"].with_user(
                SUPERUSER_ID
            )._cron_refresh_queues()
            refresh = self.Request._job_refresh_customers
            jobs = [
                job for job in trap.enqueued_jobs if job.method_name == refresh.__name__
            ]
            batches = [job.args[0] for job in jobs]
            # Every customer once, in batches of at most the batch size.
            ours = sorted(c.id for c in self.customers)
            done = sorted(pid for batch in batches for pid in batch)
            self.assertTrue(set(ours) <= set(done))
            self.assertEqual(len(done), len(set(done)))
            self.assertTrue(all(len(batch) <= 2 for batch in batches))
            self.assertTrue(all(batch == sorted(batch) for batch in batches))
            today = jobs[0].args[1]
            trap.assert_enqueued_job(
                refresh,
                args=(batches[0], today),
                properties={"channel": CHANNEL, "identity_key": identity_exact},
            )
            (steps,) = [
                j for j in trap.enqueued_jobs if j.method_name == "_job_run_steps"
            ]
            self.assertEqual(steps.args, (today, 0))
            self.assertEqual(steps.channel, CHANNEL)
            # The steps wait for every refresh.
            self.assertEqual(set(steps.depends_on), set(jobs))
            self.assertTrue(all(job.user_id == SUPERUSER_ID for job in jobs))
            self.assertFalse(any(self.entry(c) for c in self.customers))
            trap.perform_enqueued_jobs()
        for customer in self.customers:
            self.assertEqual(self.entry(customer).profile_id, self.profile)
            self.assertEqual(len(self.history(customer, "added")), 1)

    def test_a_job_run_again_repeats_nothing(self):
        with trap_jobs() as trap:
            self.env["collection.profile"].with_user(
                SUPERUSER_ID
            )._cron_refresh_queues()
            jobs = list(trap.enqueued_jobs)
            trap.perform_enqueued_jobs()
        history = self.Activity.search_count([])
        # A retry (the node lost after the work, before the job was marked
        # done) recomputes from the facts: nothing to do, nothing logged.
        for job in jobs:
            job.perform()
        self.assertEqual(self.Activity.search_count([]), history)
        for customer in self.customers:
            self.assertEqual(len(self.history(customer, "added")), 1)

    def test_the_day_is_the_jobs_argument(self):
        with trap_jobs() as trap:
            self.env["collection.profile"].with_user(
                SUPERUSER_ID
            )._cron_refresh_queues()
            days = {
                job.args[1]
                if job.method_name == "_job_refresh_customers"
                else job.args[0]
                for job in trap.enqueued_jobs
            }
            self.assertEqual(
                days, {fields.Date.to_string(fields.Date.context_today(self.Request))}
            )
        # A refresh job run as of a day: the customers' days past due count
        # from it, whenever the job runs.
        self.Request._job_refresh_customers(
            [self.customers[0].id], days_ago(9).isoformat()
        )
        self.assertEqual(self.entry(self.customers[0]).days_past_due, 1)

    def committed(self):
        """What happens once the transaction is committed: the jobs of the
        changes made are made, in a transaction of their own (here: the
        test's, through the registry's test mode)."""
        self.env.flush_all()
        self.registry.enter_test_mode(self.env.cr)
        try:
            self.env.cr.postcommit.run()
        finally:
            self.registry.leave_test_mode()

    def perform(self, jobs):
        for job in jobs:
            Job.load(self.env, job.uuid).perform()

    def customer_jobs(self, customer):
        return self.refresh_jobs().filtered(
            lambda job: job.args == [[customer.id], None]
        )

    def test_a_payment_makes_one_job_for_its_customer(self):
        customer = self.customers[0]
        invoice = self.make_invoice(customer, 200, due=days_ago(20))
        self.assertFalse(self.customer_jobs(customer), "not before the commit")
        self.committed()
        jobs = self.customer_jobs(customer)
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.channel, CHANNEL)
        self.assertEqual(jobs.user_id.id, SUPERUSER_ID)
        # A burst of changes for the same customer: the job waiting takes them.
        for _payment in range(2):
            self.pay(invoice, amount=50)
            self.committed()
        self.assertEqual(self.customer_jobs(customer), jobs)
        self.assertTrue(self.Request.search_count([("partner_id", "=", customer.id)]))
        # The job answers the customer's requests.
        self.perform(jobs)
        self.assertEqual(self.entry(customer).profile_id, self.profile)
        self.assertFalse(self.Request.search_count([("partner_id", "=", customer.id)]))

    def test_a_change_once_its_customers_job_started_makes_another(self):
        customer = self.customers[0]
        invoice = self.make_invoice(customer, 200, due=days_ago(20))
        self.committed()
        first = self.customer_jobs(customer)
        # Started: it may have read the facts before this change.
        first.sudo().write({"state": "started"})
        self.pay(invoice, amount=50)
        self.committed()
        second = self.customer_jobs(customer)
        self.assertEqual(len(second), 1)
        self.assertNotEqual(second, first)

    def test_jobs_speak_as_the_scheduler_whoever_made_the_change(self):
        customer = self.customers[0]
        french = self.make_user(
            "job_french_accountant",
            "account.group_account_invoice",
            lang="fr_FR",
            tz="Pacific/Kiritimati",
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        self.Request.with_user(french).with_context(
            lang="fr_FR", tz="Pacific/Kiritimati"
        )._enqueue(customer, force=True)
        self.committed()
        (job,) = self.customer_jobs(customer)
        context = Job.load(self.env, job.uuid).recordset.env.context
        root = self.env.ref("base.user_root")
        self.assertEqual(context.get("lang"), root.lang)
        self.assertEqual(context.get("tz"), root.tz)

    def test_changes_of_many_customers_make_a_job_per_batch(self):
        self.Request._enqueue(
            self.env["res.partner"].browse([c.id for c in self.customers])
        )
        self.committed()
        jobs = self.refresh_jobs().filtered(
            lambda job: set(job.args[0]) & {c.id for c in self.customers}
        )
        self.assertEqual(len(jobs), 3)
        self.perform(jobs)
        for customer in self.customers:
            self.assertTrue(self.entry(customer))
        self.assertFalse(self.Request.search_count([]))

    def test_a_mistyped_batch_size_stops_no_posting(self):
        self.env["ir.config_parameter"].sudo().set_param(BATCH_SIZE_PARAM, "5,000")
        invoice = self.make_invoice(self.customers[0], 200, due=days_ago(20))
        self.assertEqual(invoice.state, "posted")
        self.committed()
        self.assertTrue(self.customer_jobs(self.customers[0]))

    def test_requests_made_after_a_job_read_them_wait_for_their_turn(self):
        customer = self.customers[0]
        self.Request._enqueue(customer, force=True)
        old = self.Request.search([("partner_id", "=", customer.id)])
        later = self.Request.create({"partner_id": customer.id})
        # As if the later one were committed once the job had read the others.
        with patch.object(
            type(self.Request),
            "_refresh_requested",
            autospec=True,
            side_effect=type(self.Request)._refresh_requested,
        ) as refresh:
            self.Request._job_refresh_customers([customer.id])
        request_ids = refresh.call_args.args[2]
        self.assertEqual(sorted(request_ids), sorted((old | later).ids))
        self.assertFalse(self.Request.search_count([("partner_id", "=", customer.id)]))

    def test_steps_run_a_batch_per_job(self):
        Step = self.env["collection.profile.step"]
        Step.create(
            {"profile_id": self.profile.id, "name": "Call", "day": 0, "action": "todo"}
        )
        self.refresh(self.env["res.partner"].browse([c.id for c in self.customers]))
        with (
            patch.object(collection_profile_steps, "STEPS_BATCH", 2),
            trap_jobs() as trap,
        ):
            self.env["collection.profile"].with_user(SUPERUSER_ID)._steps_job(
                days_ago(0), 0
            ).delay()
            perform_all(trap)
            steps = [c for c in trap.calls if c.method.__name__ == "_job_run_steps"]
        # Two entries per batch: our five entries (and the demo's) in batches,
        # each after the last one's entry, until one finds none left.
        self.assertGreaterEqual(len(steps), 4)
        afters = [call.args[1] for call in steps]
        self.assertEqual(afters[0], 0)
        self.assertEqual(afters, sorted(set(afters)))
        for customer in self.customers:
            self.assertEqual(len(self.history(customer, "step")), 1, customer.name)
