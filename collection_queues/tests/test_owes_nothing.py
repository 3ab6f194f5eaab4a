# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import CollectionCase, days_ago


@tagged("post_install", "-at_install")
class TestCustomerWhoOwesNothing(CollectionCase):
    """Nobody is chased for a balance they do not owe: a customer whose open items
    in the company tree, credits included, balance to zero or less meets no
    profile, whatever the credits setting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")

    def credit_note(self, amount, partner=None):
        """An unapplied credit note."""
        return self.make_invoice(
            partner or self.customer, amount, due=days_ago(0), move_type="out_refund"
        )

    def for_both_settings(self):
        for credits_reduce in (False, True):
            self.company.collection_credits_reduce_amount = credits_reduce
            with self.subTest(credits_reduce=credits_reduce):
                yield credits_reduce

    def test_credits_as_large_as_the_debt_keep_the_customer_out(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.credit_note(300)
        for _setting in self.for_both_settings():
            self.assertCounts(self.refresh())
            self.assertFalse(self.entry(self.customer))

    def test_credits_larger_than_the_debt_keep_the_customer_out(self):
        self.make_invoice(self.customer, 900, due=days_ago(100))
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.credit_note(95250)
        for _setting in self.for_both_settings():
            self.assertCounts(self.refresh())
            self.assertFalse(self.entry(self.customer))

    def test_a_cent_owed_is_owed(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.credit_note(299.99)
        self.company.collection_credits_reduce_amount = False
        self.assertCounts(self.refresh(), added=1)
        entry = self.entry(self.customer)
        self.assertAlmostEqual(entry.amount_due, 0.01)
        self.assertAlmostEqual(entry.amount_past_due, 300)

    def test_a_credit_that_settles_the_balance_removes_the_customer(self):
        self.make_invoice(self.customer, 900, due=days_ago(70))
        self.assertCounts(self.refresh(), added=1)
        self.credit_note(900)
        for _setting in self.for_both_settings():
            self.refresh()
            self.assertFalse(self.entry(self.customer))
        (removed,) = self.history(self.customer, "removed")
        self.assertIn("owes nothing", removed.note)
        self.assertFalse(self.customer.collection_status_id)

    def test_credits_of_a_branch_count_in_the_balance(self):
        branch = self.make_branch("Balance Branch")
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.make_invoice(
            self.customer, 300, due=days_ago(0), move_type="out_refund", company=branch
        )
        self.assertCounts(self.refresh())
        self.assertFalse(self.entry(self.customer))

    def test_a_dry_run_plans_no_placement_for_them(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.credit_note(300)
        result = self.refresh(dry_run=True)
        self.assertCounts(result)
        self.assertEqual(result["changes"], [])

    def test_placed_by_hand_in_a_queue_that_is_not_sequenced_they_stay(self):
        """The rule is the rules': a user's placement in a queue that is not
        sequenced stays, whatever the balance."""
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.credit_note(300)
        self.customer.collection_put_in_queue(self.p_legal)
        self.assertCounts(self.refresh(), unchanged=1)
        self.assertEqual(self.entry(self.customer).profile_id, self.p_legal)


@tagged("post_install", "-at_install")
class TestDemoChasesNobodyOwingNothing(TransactionCase):
    def test_no_demo_customer_in_a_sequenced_queue_owes_nothing(self):
        entries = self.env["collection.queue"].search(
            [("state", "=", "open"), ("profile_id.auto_sequence", "=", True)]
        )
        self.assertTrue(entries)
        for entry in entries:
            self.assertGreater(
                entry.amount_due, 0, f"{entry.partner_id.name} owes nothing"
            )
