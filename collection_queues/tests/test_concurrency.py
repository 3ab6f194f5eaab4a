# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager
from unittest.mock import patch

import psycopg2

from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from ..models import collection_profile
from ..models.collection_sequencer import REFRESH_LOCK_NAMESPACE
from .common import CollectionCase, days_ago


@tagged("post_install", "-at_install")
class TestOneOpenEntryPerCustomer(CollectionCase):
    """Whoever writes the entries (a refresh, a user, code), the database keeps
    at most one open entry per customer and company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sequenced = cls.make_profile("Past due", 10, (1, 0), 100)
        cls.legal = cls.make_profile("Legal")
        cls.watch = cls.make_profile("Watch")
        cls.customer = cls.make_customer("Acme Plumbing")

    def open_entry(self, profile, partner=None, **values):
        return self.Queue.sudo().create(
            {
                "partner_id": (partner or self.customer).id,
                "profile_id": profile.id,
                "company_id": profile.company_id.id,
                **values,
            }
        )

    def close(self, entry):
        entry.sudo().write({"state": "closed", "date_end": self.now()})
        self.env.flush_all()

    @contextmanager
    def assertRefusedByTheDatabase(self):
        with (
            self.assertRaises(psycopg2.IntegrityError) as caught,
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            yield caught
            self.env.flush_all()

    def open_count(self, partner=None):
        return self.Queue.sudo().search_count(
            [
                ("partner_id", "=", (partner or self.customer).id),
                ("state", "=", "open"),
            ]
        )

    def test_a_second_open_entry_is_refused(self):
        first = self.open_entry(self.legal)
        for profile in (self.watch, self.sequenced, self.legal):
            with self.subTest(profile=profile.name), self.assertRefusedByTheDatabase():
                self.open_entry(profile)
        self.assertEqual(self.open_count(), 1)
        self.assertEqual(self.entry(self.customer), first)
        # Once the stay is closed the way the application closes it, another
        # may open.
        first._close("Test", self.now(), "removed")
        second = self.open_entry(self.sequenced)
        self.assertEqual(self.entry(self.customer), second)

    def test_the_refusal_is_an_exclusion_of_open_entries(self):
        self.open_entry(self.legal)
        with self.assertRefusedByTheDatabase() as caught:
            self.open_entry(self.watch)
        self.assertIsInstance(caught.exception, psycopg2.errors.ExclusionViolation)

    def test_a_second_open_entry_written_in_sql_is_refused(self):
        # The refresh inserts its entries in SQL, past the ORM.
        self.open_entry(self.legal)
        with self.assertRefusedByTheDatabase():
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO collection_queue
                           (partner_id, profile_id, company_id, state, date_start)
                    VALUES (%s, %s, %s, 'open', now() AT TIME ZONE 'UTC')
                    """,
                    self.customer.id,
                    self.sequenced.id,
                    self.company.id,
                )
            )
        self.assertEqual(self.open_count(), 1)

    def test_closed_entries_and_one_open_entry_coexist(self):
        first = self.open_entry(self.legal)
        self.close(first)
        second = self.open_entry(self.watch)
        self.close(second)
        third = self.open_entry(self.legal)
        self.assertEqual(self.open_count(), 1)
        self.assertEqual(self.entry(self.customer), third)
        self.assertEqual(
            self.Queue.search_count([("partner_id", "=", self.customer.id)]), 3
        )

    def test_reopening_a_closed_entry_is_refused_while_another_is_open(self):
        first = self.open_entry(self.legal)
        self.close(first)
        self.open_entry(self.watch)
        with self.assertRefusedByTheDatabase():
            first.sudo().write({"state": "open", "date_end": False})
        self.assertEqual(self.open_count(), 1)

    def test_other_customers_are_independent(self):
        other = self.make_customer("Bolt Electric")
        self.open_entry(self.legal)
        self.open_entry(self.legal, partner=other)
        self.assertEqual(self.open_count(other), 1)
        self.assertEqual(self.open_count(), 1)

    def test_one_open_entry_in_each_company(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        theirs = self.make_profile("Theirs", company=company_b)
        mine = self.open_entry(self.legal)
        their_entry = self.open_entry(theirs)
        self.assertEqual(self.open_count(), 2)
        self.assertEqual(self.entry(self.customer), mine)
        self.assertEqual(self.entry(self.customer, company_b), their_entry)
        # ...but still one only in each.
        also_theirs = self.make_profile("Also theirs", company=company_b)
        with self.assertRefusedByTheDatabase():
            self.open_entry(also_theirs)
        self.assertEqual(self.open_count(), 2)

    def test_a_user_placement_racing_a_refresh_never_makes_two_entries(self):
        """The refresh decided to place the customer; before it applies that, a
        user puts the customer in a queue. The refresh's insert is refused and
        the user's placement stands."""
        self.make_invoice(self.customer, 300, due=days_ago(10))
        sequencer = self.env["collection.sequencer"]
        scope = sequencer._scope(self.company)
        (rows,) = list(sequencer._fetch_facts(scope, self.customer, days_ago(0)))
        decisions = sequencer._decide(scope, rows)
        self.assertEqual([decision.action for decision, _row in decisions], ["added"])
        self.customer.collection_put_in_queue(self.watch)  # meanwhile, a user
        with self.assertRefusedByTheDatabase():
            sequencer._apply(scope, decisions, days_ago(0))
        self.assertEqual(self.open_count(), 1)
        self.assertEqual(self.entry(self.customer).profile_id, self.watch)


@tagged("post_install", "-at_install")
class TestRefreshLock(CollectionCase):
    """Two refreshes of one company never run at the same time: the second skips
    the company (a manager's once it waited a little), says so, and changes
    nothing there."""

    def setUp(self):
        super().setUp()
        # A manager's refresh waits seconds for the other: a moment here.
        patcher = patch.object(collection_profile, "MANAGER_LOCK_WAIT", "200ms")
        patcher.start()
        self.addCleanup(patcher.stop)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.env.user.company_ids |= cls.company_b
        cls.p_b = cls.make_profile("B past due", 10, (1, 0), 100, company=cls.company_b)

    @contextmanager
    def refresh_running_elsewhere(self, company):
        """Another transaction holds the company's refresh lock meanwhile."""
        self.env.flush_all()
        cr = self.registry.cursor()
        try:
            cr.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                [REFRESH_LOCK_NAMESPACE, company.id],
            )
            self.assertTrue(cr.fetchone()[0], "the lock was free")
            yield
        finally:
            cr.rollback()
            cr.close()

    def both_companies(self):
        return self.Profile.with_context(
            allowed_company_ids=(self.company | self.company_b).ids
        )

    def make_work(self):
        """Customers a refresh would add, move, remove and update; placed by users
        (a refresh of our own would hold the lock already)."""
        adding = self.make_customer("Adding")
        moving = self.make_customer("Moving")
        leaving = self.make_customer("Leaving")
        updating = self.make_customer("Updating")
        self.make_invoice(adding, 300, due=days_ago(10))
        self.make_invoice(moving, 900, due=days_ago(70))
        self.make_invoice(updating, 300, due=days_ago(10))
        moving.collection_put_in_queue(self.p_1_30)
        leaving.collection_put_in_queue(self.p_1_30)
        updating.collection_put_in_queue(self.p_1_30)
        self.make_invoice(updating, 500, due=days_ago(5))
        return adding, moving, leaving, updating

    def test_refresh_skips_a_company_being_refreshed(self):
        adding, moving, leaving, updating = self.make_work()
        entries = self.row_versions("collection.queue")
        lines = self.row_versions("collection.activity")
        with self.refresh_running_elsewhere(self.company):
            for partners in (None, adding | moving | leaving | updating):
                result = self.refresh(partners=partners)
                self.assertEqual(
                    result["skipped_companies"], [self.company.display_name]
                )
                self.assertCounts(result)
            self.assertEqual(self.row_versions("collection.queue"), entries)
            self.assertEqual(self.row_versions("collection.activity"), lines)
            self.assertFalse(self.entry(adding))
            self.assertEqual(self.entry(leaving).profile_id, self.p_1_30)
        # Once the other refresh is over, the work is done.
        result = self.refresh()
        self.assertEqual(result["skipped_companies"], [])
        self.assertCounts(result, added=1, moved=1, removed=1, unchanged=1)
        self.assertEqual(self.entry(moving).profile_id, self.p_61_90)
        self.assertFalse(self.entry(leaving))
        self.assertAlmostEqual(self.entry(updating).amount_due, 800)

    def test_only_the_company_being_refreshed_is_skipped(self):
        customer = self.make_customer("Shared Customer")
        self.make_invoice(customer, 300, due=days_ago(10))
        self.make_invoice(customer, 300, due=days_ago(10), company=self.company_b)
        with self.refresh_running_elsewhere(self.company_b):
            result = self.both_companies().refresh_queues(date=days_ago(0))
            self.assertEqual(result["skipped_companies"], [self.company_b.display_name])
            self.assertCounts(result, added=1)
            self.assertEqual(self.entry(customer).profile_id, self.p_1_30)
            self.assertFalse(self.entry(customer, self.company_b))
        result = self.both_companies().refresh_queues(date=days_ago(0))
        self.assertEqual(result["skipped_companies"], [])
        self.assertCounts(result, added=1, unchanged=1)
        self.assertEqual(self.entry(customer, self.company_b).profile_id, self.p_b)
