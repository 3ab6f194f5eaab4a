# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CollectionCase, real_days_ago


@tagged("post_install", "-at_install")
class TestProfileValidation(CollectionCase):
    """Profiles refuse bad input with a clear message, and change nothing."""

    def test_days_window(self):
        with self.assertRefused(ValidationError, "ends"):
            self.make_profile("Backwards", 10, (60, 30))
        # 0 as maximum: no upper limit; min == max: a one-day window.
        self.make_profile("Open-ended", 10, (60, 0))
        self.make_profile("One day", 20, (30, 30))

    def test_no_negative_days_or_amounts(self):
        with self.assertRefused(ValidationError, "negative"):
            self.make_profile("Negative days", 10, (-5, 10))
        with self.assertRefused(ValidationError, "negative"):
            self.make_profile("Negative max", 10, (5, -10))
        with self.assertRefused(ValidationError, "negative"):
            self.make_profile("Negative amount", 10, (1, 0), -1)
        self.assertFalse(self.Profile.search([("name", "like", "Negative")]))

    def test_sequenced_profiles_need_a_positive_number(self):
        with self.assertRefused(ValidationError, "priority number greater than zero"):
            self.Profile.create({"name": "No number", "auto_sequence": True})
        with self.assertRefused(ValidationError, "greater than zero"):
            self.Profile.create(
                {"name": "Negative", "auto_sequence": True, "sequence_number": -3}
            )
        # Profiles that are not sequenced need none.
        self.Profile.create({"name": "Legal"})

    def test_sequence_numbers_are_unique_per_company_archived_included(self):
        first = self.make_profile("First", 10)
        with self.assertRefused(ValidationError, "already used"):
            self.make_profile("Second", 10)
        first.action_archive()
        with self.assertRefused(ValidationError, r"already used.*archived"):
            self.make_profile("Third", 10)
        # Not sequenced: numbers do not matter.
        self.make_profile("Manual A", sequence=0, sequence_number=10)
        # Another company has its own numbers.
        other = self.setup_other_company(name="Other Co")["company"]
        self.make_profile("Theirs", 10, company=other)

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


@tagged("post_install", "-at_install")
class TestProfileClosing(CollectionCase):
    """A profile that has or had customers is closed, not deleted; closing
    re-sequences its customers at once (as of the real today)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")

    def test_delete_only_profiles_that_never_had_an_entry(self):
        unused = self.make_profile("Unused", 99)
        unused.unlink()
        self.customer.collection_put_in_queue(self.p_watch)
        self.customer.collection_remove_from_queue()
        with self.assertRefused(UserError, "close"):
            self.p_watch.unlink()
        self.assertTrue(self.p_watch.exists())

    def test_closing_moves_customers_to_the_profile_they_meet(self):
        self.make_invoice(self.customer, 900, due=real_days_ago(95))
        self.make_invoice(self.customer, 300, due=real_days_ago(10))
        self.refresh(on=fields.Date.today())
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
        self.assertCounts(self.refresh(on=fields.Date.today()), unchanged=1)

    def test_closing_removes_customers_who_meet_nothing_else(self):
        self.make_invoice(self.customer, 900, due=real_days_ago(95))
        self.refresh(on=fields.Date.today())
        self.p_91.write({"active": False})
        self.assertFalse(self.entry(self.customer))
        self.assertFalse(self.customer.collection_status_id)
        removed = self.history(self.customer, "removed")
        self.assertIn("Queue closed", removed.note)
        self.assertEqual(removed.profile_id, self.p_91)

    def test_closing_a_manual_queue_resequences_its_pinned_customers(self):
        other = self.make_customer("Bolt Electric")
        self.make_invoice(self.customer, 300, due=real_days_ago(10))
        (self.customer | other).collection_put_in_queue(self.p_legal)
        said = self.p_legal.action_archive()
        self.assertEqual(
            said["params"]["message"],
            "Legal closed: of its 2 customers, 1 moved to the sequenced queue whose "
            "rules they meet and 1 left collections.",
        )
        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)
        self.assertFalse(self.entry(other))
        # Closed, it takes nobody.
        with self.assertRefused(UserError, "closed"):
            other.collection_put_in_queue(self.p_legal)

    def test_closing_an_empty_queue_says_nothing_more(self):
        self.assertNotEqual(
            (self.p_watch.action_archive() or {}).get("tag"), "display_notification"
        )
        self.assertFalse(self.p_watch.active)

    def test_company_of_a_used_profile_cannot_change(self):
        self.customer.collection_put_in_queue(self.p_watch)
        other = self.setup_other_company(name="Other Co")["company"]
        with self.assertRaises(UserError):
            self.p_watch.company_id = other
