# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import html2plaintext, mute_logger

from .common import CollectionCase, real_days_ago


@tagged("post_install", "-at_install")
class TestProfileValidation(CollectionCase):
    """Profiles refuse bad rules with a clear message, on creation and on change,
    and nothing is saved."""

    def assertNotSaved(self, name):
        self.assertFalse(
            self.Profile.with_context(active_test=False).search([("name", "=", name)])
        )

    def test_window_must_not_end_before_it_starts(self):
        with self.assertRefused(ValidationError, r"Backwards.*ends \(30\).*\(60\)"):
            self.make_profile("Backwards", 10, (60, 30))
        self.assertNotSaved("Backwards")
        with self.assertRefused(ValidationError, "ends"):
            self.make_profile("Backwards manual", 0, (60, 30))
        profile = self.make_profile("Window", 10, (31, 60))
        with self.assertRefused(ValidationError, "ends"):
            profile.days_past_due_max = 30
        with self.assertRefused(ValidationError, "ends"):
            profile.days_past_due_min = 61
        self.assertEqual(
            (profile.days_past_due_min, profile.days_past_due_max), (31, 60)
        )

    def test_open_ended_and_one_day_windows_are_fine(self):
        # 0 as maximum means no upper limit, whatever the minimum.
        self.make_profile("Open-ended", 10, (365, 0))
        self.make_profile("One day", 20, (30, 30))
        self.make_profile("Everything", 30, (0, 0))
        self.make_profile("Open-ended from 60", 40, (60, 0))

    def test_no_negative_days(self):
        for name, days in [
            ("Negative min", (-1, 10)),
            ("Negative max", (1, -10)),
            ("Very negative min", (-5, 10)),
            ("Negative max from 5", (5, -10)),
        ]:
            with (
                self.subTest(name=name),
                self.assertRefused(ValidationError, "negative"),
            ):
                self.make_profile(name, 10, days)
            self.assertNotSaved(name)
        profile = self.make_profile("Fine", 10, (1, 30))
        with self.assertRefused(ValidationError, "negative"):
            profile.days_past_due_min = -5
        with self.assertRefused(ValidationError, "negative"):
            profile.write({"days_past_due_max": -1})
        self.assertEqual(profile.days_past_due_min, 1)

    def test_no_negative_amount(self):
        for amount in (-0.01, -1):
            with (
                self.subTest(amount=amount),
                self.assertRefused(ValidationError, "negative"),
            ):
                self.make_profile("Negative amount", 10, (1, 0), amount)
            self.assertNotSaved("Negative amount")
        profile = self.make_profile("Fine", 10, (1, 0), 0)
        with self.assertRefused(ValidationError, "negative"):
            profile.min_amount_past_due = -100
        self.assertEqual(profile.min_amount_past_due, 0)

    def test_sequenced_profile_needs_a_positive_number(self):
        with self.assertRefused(ValidationError, "priority number greater than zero"):
            self.Profile.create({"name": "Unnumbered", "auto_sequence": True})
        for number in (0, -3):
            with (
                self.subTest(number=number),
                self.assertRefused(
                    ValidationError, "priority number greater than zero"
                ),
            ):
                self.Profile.create(
                    {
                        "name": "Unnumbered",
                        "auto_sequence": True,
                        "sequence_number": number,
                    }
                )
        self.assertNotSaved("Unnumbered")
        # Sequencing a profile without a number, or clearing the number of a
        # sequenced one, is refused too.
        manual = self.make_profile("Manual")
        with self.assertRefused(ValidationError, "greater than zero"):
            manual.auto_sequence = True
        sequenced = self.make_profile("Sequenced", 10)
        with self.assertRefused(ValidationError, "greater than zero"):
            sequenced.sequence_number = 0
        self.assertEqual(sequenced.sequence_number, 10)
        # Not sequenced: no number needed, not even given at all.
        self.assertFalse(manual.auto_sequence)
        self.Profile.create({"name": "Legal"})

    def test_sequence_number_unique_in_the_company(self):
        self.make_profile("First", 10)
        with self.assertRefused(ValidationError, r"Priority 10 is already used.*First"):
            self.make_profile("Second", 10)
        self.assertNotSaved("Second")
        second = self.make_profile("Second", 20)
        with self.assertRefused(ValidationError, "already used"):
            second.sequence_number = 10
        self.assertEqual(second.sequence_number, 20)

    def test_sequence_number_of_an_archived_profile_is_never_reused(self):
        retired = self.make_profile("Retired", 10)
        retired.action_archive()
        with self.assertRefused(ValidationError, r"already used.*Retired.*archived"):
            self.make_profile("Newcomer", 10)
        self.assertNotSaved("Newcomer")
        newcomer = self.make_profile("Newcomer", 11)
        with self.assertRefused(ValidationError, "archived"):
            newcomer.sequence_number = 10

    def test_becoming_sequenced_with_a_number_in_use_is_refused(self):
        self.make_profile("Sequenced", 10)
        manual = self.make_profile("Manual", sequence=0, sequence_number=10)
        with self.assertRefused(ValidationError, "already used"):
            manual.auto_sequence = True
        self.assertFalse(manual.auto_sequence)

    def test_same_number_allowed_elsewhere(self):
        self.make_profile("Sequenced", 10)
        # Profiles that are not sequenced may share any number.
        self.make_profile("Manual A", sequence=0, sequence_number=10)
        self.make_profile("Manual B", sequence=0, sequence_number=10)
        # Another company numbers its own profiles.
        other = self.setup_other_company(name="Other Co")["company"]
        theirs = self.make_profile("Theirs", 10, company=other)
        self.assertEqual(theirs.sequence_number, 10)
        self.env.flush_all()  # the database agrees

    def test_database_refuses_a_duplicate_number_too(self):
        self.make_profile("First", 10)
        second = self.make_profile("Second", 20)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "UPDATE collection_profile SET sequence_number = 10 WHERE id = %s",
                [second.id],
            )
            self.env.cr.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def test_moving_to_a_company_where_the_number_is_taken_is_refused(self):
        other = self.setup_other_company(name="Other Co")["company"]
        self.make_profile("Theirs", 10, company=other)
        mine = self.make_profile("Mine", 10)
        with self.assertRefused(ValidationError, "already used"):
            mine.company_id = other
        self.assertEqual(mine.company_id, self.company)


@tagged("post_install", "-at_install")
class TestProfileDeletion(CollectionCase):
    """A profile that has or had customers is closed, never deleted, nor moved
    to another company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")

    def test_profiles_that_never_had_an_entry_can_be_deleted(self):
        sequenced = self.make_profile("Unused sequenced", 99)
        manual = self.make_profile("Unused manual")
        (sequenced | manual).unlink()
        self.assertFalse(sequenced.exists() | manual.exists())

    def test_profile_with_an_open_entry_cannot_be_deleted(self):
        self.customer.collection_put_in_queue(self.p_watch)
        with self.assertRefused(UserError, "cannot be deleted"):
            self.p_watch.unlink()
        self.assertTrue(self.p_watch.exists())
        self.assertTrue(self.entry(self.customer))

    def test_profile_that_had_an_entry_cannot_be_deleted(self):
        self.customer.collection_put_in_queue(self.p_watch)
        self.customer.collection_remove_from_queue()
        self.assertFalse(self.p_watch.open_entry_count)
        with self.assertRefused(UserError, "close"):
            self.p_watch.unlink()
        self.assertTrue(self.p_watch.exists())

    def test_profile_the_rules_used_cannot_be_deleted(self):
        invoice = self.make_invoice(self.customer, 300, due=real_days_ago(10))
        self.refresh(on=fields.Date.today())
        self.pay(invoice, payment_date=fields.Date.today())
        self.refresh(on=fields.Date.today())
        self.assertFalse(self.entry(self.customer))
        with self.assertRefused(UserError, "cannot be deleted"):
            self.p_1_30.unlink()
        # Deleting it along with an unused one is refused as a whole.
        unused = self.make_profile("Unused", 99)
        with self.assertRaises(UserError):
            (self.p_1_30 | unused).unlink()
        self.assertTrue(unused.exists())

    def test_closed_profile_still_cannot_be_deleted(self):
        self.customer.collection_put_in_queue(self.p_watch)
        self.p_watch.action_archive()
        with self.assertRefused(UserError, "cannot be deleted"):
            self.p_watch.unlink()

    def test_company_of_a_used_profile_cannot_change(self):
        self.customer.collection_put_in_queue(self.p_watch)
        other = self.setup_other_company(name="Other Co")["company"]
        with self.assertRaises(UserError):
            self.p_watch.company_id = other


@tagged("post_install", "-at_install")
class TestProfileClosing(CollectionCase):
    """Closing a profile re-sequences its customers at once (as of the real
    today): each moves to the sequenced profile it still meets, status kept, or
    leaves collections, status cleared."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.other = cls.make_customer("Bolt Electric")

    def refresh_today(self, partners=None):
        return self.refresh(partners=partners, on=fields.Date.today())

    def test_archiving_moves_customers_to_the_profile_they_still_meet(self):
        self.make_invoice(self.customer, 900, due=real_days_ago(95))
        self.make_invoice(self.customer, 600, due=real_days_ago(45))
        self.make_invoice(self.customer, 300, due=real_days_ago(10))
        self.refresh_today()
        closed = self.entry(self.customer)
        self.assertEqual(closed.profile_id, self.p_91)
        self.customer.collection_change_status(self.status_call)
        lines = len(self.history(self.customer))

        self.p_91.action_archive()

        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_31_60, "the highest still met")
        self.assertEqual(entry.status_id, self.status_call, "the status is kept")
        self.assertEqual(self.customer.collection_status_id, self.status_call)
        self.assertFalse(entry.user_id, "re-sequenced by the System")
        self.assertIn("Queue closed", entry.reason)
        self.assertEqual(closed.state, "closed")
        self.assertTrue(closed.date_end)
        self.assertEqual(len(self.history(self.customer)), lines + 1)
        moved = self.history(self.customer, "moved")
        self.assertEqual(moved.from_profile_id, self.p_91)
        self.assertEqual(moved.profile_id, self.p_31_60)
        self.assertEqual(moved.queue_id, entry)
        self.assertEqual(moved.status_id, self.status_call)
        self.assertFalse(moved.user_id)
        self.assertIn("Queue closed", html2plaintext(moved.note))
        self.assertFalse(self.p_91.active)
        self.assertFalse(self.p_91.open_entry_count)

    def test_closing_moves_to_the_profile_met_and_later_refreshes_keep_it(self):
        self.make_invoice(self.customer, 900, due=real_days_ago(95))
        self.make_invoice(self.customer, 300, due=real_days_ago(10))
        self.refresh_today()
        self.customer.collection_change_status(self.status_call)
        self.p_91.action_archive()
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_1_30)
        self.assertEqual(entry.status_id, self.status_call, "status kept")
        moved = self.history(self.customer, "moved")
        self.assertEqual(moved.from_profile_id, self.p_91)
        self.assertIn("Queue closed", moved.note)
        self.assertIn("Queue closed", entry.reason)
        # A later refresh keeps them there: the closed profile is no candidate.
        self.assertCounts(self.refresh_today(), unchanged=1)

    def test_writing_active_false_removes_customers_who_meet_nothing_else(self):
        self.make_invoice(self.customer, 900, due=real_days_ago(95))
        self.refresh_today()
        closed = self.entry(self.customer)
        self.assertEqual(self.customer.collection_status_id, self.status_hold)

        self.p_91.write({"active": False})

        self.assertFalse(self.entry(self.customer))
        self.assertFalse(self.customer.in_collections)
        self.assertFalse(self.customer.collection_status_id, "the status is cleared")
        self.assertEqual(closed.state, "closed")
        self.assertTrue(closed.date_end)
        removed = self.history(self.customer, "removed")
        self.assertEqual(len(removed), 1)
        self.assertEqual(removed.profile_id, self.p_91)
        self.assertEqual(removed.queue_id, closed)
        self.assertEqual(removed.old_status_id, self.status_hold)
        self.assertFalse(removed.status_id)
        self.assertFalse(removed.user_id)
        self.assertIn("Queue closed", html2plaintext(removed.note))

    def test_closing_handles_all_its_customers_at_once(self):
        third = self.make_customer("Cobalt Roofing")
        self.make_invoice(self.customer, 900, due=real_days_ago(70))
        self.make_invoice(self.customer, 300, due=real_days_ago(5))
        self.make_invoice(self.other, 900, due=real_days_ago(70))
        self.make_invoice(third, 300, due=real_days_ago(5))
        self.refresh_today()
        self.assertEqual(self.entry(third).profile_id, self.p_1_30)

        self.p_61_90.action_archive()

        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)
        self.assertEqual(self.customer.collection_status_id, self.status_call)
        self.assertFalse(self.entry(self.other))
        self.assertFalse(self.other.collection_status_id)
        # Customers of other queues are not touched.
        self.assertEqual(len(self.history(third)), 1)
        # Later refreshes keep the closed profile out of the rules.
        self.assertCounts(self.refresh_today(), unchanged=2)
        self.assertFalse(self.entry(self.other))

    def test_closing_a_queue_that_is_not_sequenced_resequences_its_customers(self):
        self.make_invoice(self.customer, 300, due=real_days_ago(10))
        (self.customer | self.other).collection_put_in_queue(self.p_legal)
        self.customer.collection_change_status(self.status_call)
        # Pinned: a refresh leaves them there.
        self.assertCounts(self.refresh_today(), unchanged=2)

        said = self.p_legal.action_archive()

        self.assertEqual(
            said["params"]["message"],
            "Legal closed: of its 2 customers, 1 moved to the sequenced queue whose "
            "rules they meet and 1 left collections.",
        )

        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_1_30)
        self.assertEqual(entry.status_id, self.status_call, "the status is kept")
        moved = self.history(self.customer, "moved")
        self.assertEqual(
            (moved.from_profile_id, moved.profile_id), (self.p_legal, self.p_1_30)
        )
        self.assertIn("Queue closed", html2plaintext(moved.note))
        self.assertFalse(self.entry(self.other))
        self.assertFalse(self.other.collection_status_id)
        removed = self.history(self.other, "removed")
        self.assertEqual(removed.profile_id, self.p_legal)
        self.assertIn("Queue closed", html2plaintext(removed.note))
        self.assertFalse(self.p_legal.open_entry_count)
        # A closed queue takes nobody.
        with self.assertRefused(UserError, "closed"):
            self.other.collection_put_in_queue(self.p_legal)

    def test_closing_several_profiles_at_once(self):
        self.make_invoice(self.customer, 900, due=real_days_ago(95))
        self.make_invoice(self.customer, 900, due=real_days_ago(70))
        self.make_invoice(self.customer, 300, due=real_days_ago(5))
        self.make_invoice(self.other, 900, due=real_days_ago(70))
        self.refresh_today()
        self.assertEqual(self.entry(self.customer).profile_id, self.p_91)
        self.assertEqual(self.entry(self.other).profile_id, self.p_61_90)

        (self.p_91 | self.p_61_90).action_archive()

        # Neither closed profile takes anybody in.
        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)
        self.assertEqual(self.customer.collection_status_id, self.status_hold)
        self.assertFalse(self.entry(self.other))
        self.assertEqual(len(self.history(self.customer, "moved")), 1)
        self.assertFalse(self.history(self.other, "moved"))

    def test_a_collections_manager_closes_a_profile(self):
        manager = self.make_user(
            "mona", "collection_queues.group_collection_manager", name="Mona"
        )
        self.make_invoice(self.customer, 900, due=real_days_ago(95))
        self.make_invoice(self.customer, 300, due=real_days_ago(5))
        self.refresh_today()
        self.p_91.with_user(manager).action_archive()
        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)
        self.assertIn("Queue closed", self.entry(self.customer).reason)

    def test_collectors_cannot_close_a_profile(self):
        collector = self.make_user(
            "carla", "collection_queues.group_collection_user", name="Carla"
        )
        self.customer.collection_put_in_queue(self.p_watch)
        with self.assertRaises(AccessError):
            self.p_watch.with_user(collector).action_archive()
        self.assertTrue(self.p_watch.active)
        self.assertEqual(self.entry(self.customer).profile_id, self.p_watch)

    def test_closing_a_queue_without_customers(self):
        self.make_invoice(self.customer, 300, due=real_days_ago(10))
        self.refresh_today()
        lines = self.row_versions("collection.activity")
        said = self.p_watch.action_archive()
        # Nothing to tell about its customers: plain True, as RPC carries it.
        self.assertIs(said, True)
        self.assertFalse(self.p_watch.active)
        self.assertEqual(self.row_versions("collection.activity"), lines)
        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)
