# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import TODAY, CollectionCase, days_ago


@tagged("post_install", "-at_install")
class TestPlacementRules(CollectionCase):
    """SPEC §3: when a customer meets a sequenced profile."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")

    def test_days_window_edges_are_inclusive(self):
        # 30 days past due: the last day of 1-30; 31: the first of 31-60.
        self.make_invoice(self.customer, 200, due=days_ago(30))
        self.refresh()
        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)
        self.refresh(on=days_ago(-1))
        self.assertEqual(self.entry(self.customer).profile_id, self.p_31_60)

    def test_due_today_is_zero_days_past_due(self):
        self.make_invoice(self.customer, 200, due=TODAY)
        self.refresh()
        self.assertFalse(self.entry(self.customer))
        zero = self.make_profile("Due today", 5, (0, 0), 0)
        self.refresh()
        self.assertEqual(self.entry(self.customer).profile_id, zero)
        self.assertEqual(self.entry(self.customer).days_past_due, 0)

    def test_no_upper_limit_when_max_is_zero(self):
        self.make_invoice(self.customer, 600, due=days_ago(1000))
        self.refresh()
        self.assertEqual(self.entry(self.customer).profile_id, self.p_91)

    def test_amount_must_be_strictly_greater(self):
        self.make_invoice(self.customer, 100, due=days_ago(10))
        self.refresh()
        self.assertFalse(self.entry(self.customer), "100.00 is not > 100.00")
        self.make_invoice(self.customer, 0.01, due=days_ago(5))
        self.refresh()
        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)
        self.assertAlmostEqual(self.entry(self.customer).amount_past_due, 100.01)

    def test_amount_sums_only_items_in_window(self):
        # 60 in 1-30 + 60 in 31-60: neither window exceeds 100.
        self.make_invoice(self.customer, 60, due=days_ago(10))
        self.make_invoice(self.customer, 60, due=days_ago(40))
        self.refresh()
        self.assertFalse(self.entry(self.customer))

    def test_highest_sequence_number_wins(self):
        self.make_invoice(self.customer, 200, due=days_ago(10))
        self.make_invoice(self.customer, 200, due=days_ago(45))
        self.make_invoice(self.customer, 600, due=days_ago(95))
        self.refresh()
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_91)
        self.assertEqual(entry.days_past_due, 95)
        self.assertAlmostEqual(entry.amount_due, 1000)
        self.assertAlmostEqual(entry.amount_past_due, 600)

    def test_lower_profile_when_higher_amount_not_met(self):
        self.make_invoice(self.customer, 200, due=days_ago(10))
        self.make_invoice(self.customer, 400, due=days_ago(95))  # 400 <= 500
        self.refresh()
        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)

    def test_instalments_are_separate_items(self):
        # 50% due at 30 days, 50% at 90: with the invoice dated 100 days ago, one
        # instalment is 70 days past due, the other 10.
        term = self.payment_term((50, 30), (50, 90))
        self.make_invoice(
            self.customer, 1200, payment_term=term, invoice_date=days_ago(100)
        )
        self.refresh()
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_61_90)
        self.assertAlmostEqual(entry.amount_past_due, 600)
        self.assertEqual(entry.days_past_due, 70)

    def test_partial_payment_counts_residual(self):
        invoice = self.make_invoice(self.customer, 800, due=days_ago(70))
        self.refresh()
        self.assertEqual(self.entry(self.customer).profile_id, self.p_61_90)
        self.pay(invoice, 400)
        self.refresh()
        self.assertFalse(self.entry(self.customer), "400.00 left, not > 500.00")

    def test_draft_and_cancelled_invoices_do_not_count(self):
        self.make_invoice(self.customer, 900, due=days_ago(70), post=False)
        cancelled = self.make_invoice(self.customer, 900, due=days_ago(70), post=False)
        cancelled.button_cancel()
        self.refresh()
        self.assertFalse(self.entry(self.customer))

    def test_vendor_bills_do_not_count(self):
        self.make_invoice(self.customer, 900, due=days_ago(70), move_type="in_invoice")
        self.refresh()
        self.assertFalse(self.entry(self.customer))

    def test_opening_balance_entry_counts(self):
        receivable = self.company_data["default_account_receivable"]
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": days_ago(200),
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "account_id": receivable.id,
                            "partner_id": self.customer.id,
                            "debit": 700,
                            "date_maturity": days_ago(100),
                            "name": "Opening balance",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "account_id": self.revenue_account.id,
                            "credit": 700,
                            "name": "Opening balance",
                        },
                    ),
                ],
            }
        )
        move.action_post()
        self.refresh()
        self.assertEqual(self.entry(self.customer).profile_id, self.p_91)

    def test_contacts_roll_up_to_the_commercial_partner(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Jane (accounts)",
                "parent_id": self.customer.id,
                "type": "invoice",
            }
        )
        self.make_invoice(contact, 300, due=days_ago(10))
        self.make_invoice(self.customer, 300, due=days_ago(12))
        self.refresh()
        entry = self.entry(self.customer)
        self.assertEqual(entry.partner_id, self.customer)
        self.assertAlmostEqual(entry.amount_past_due, 600)
        self.assertEqual(contact.collection_profile_id, self.p_1_30)
        self.assertTrue(contact.in_collections)

    def test_customer_type(self):
        person = self.make_customer("John Smith", is_company=False)
        self.p_91.customer_type = "company"
        self.make_invoice(person, 900, due=days_ago(100))
        self.make_invoice(self.customer, 900, due=days_ago(100))
        self.refresh()
        self.assertEqual(self.entry(self.customer).profile_id, self.p_91)
        self.assertFalse(self.entry(person), "no other profile covers 100 days")
        self.p_61_90.write({"customer_type": "individual", "days_past_due_max": 0})
        self.refresh()
        self.assertEqual(self.entry(person).profile_id, self.p_61_90)
        self.assertEqual(self.entry(self.customer).profile_id, self.p_91)

    def test_customer_tags(self):
        vip = self.env["res.partner.category"].create({"name": "VIP"})
        key = self.env["res.partner.category"].create({"name": "Key account"})
        self.p_91.partner_category_ids = vip | key
        self.make_invoice(self.customer, 900, due=days_ago(100))
        self.refresh()
        self.assertFalse(self.entry(self.customer))
        self.customer.category_id = key
        self.refresh()
        self.assertEqual(self.entry(self.customer).profile_id, self.p_91)

    def test_unapplied_credits_reduce_only_when_set(self):
        self.make_invoice(self.customer, 600, due=days_ago(100))
        self.make_invoice(self.customer, 150, move_type="out_refund", due=days_ago(20))
        self.refresh()
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_91)
        self.assertAlmostEqual(entry.credit_amount, 150)
        self.assertAlmostEqual(entry.amount_due, 450)
        self.company.collection_credits_reduce_amount = True
        self.refresh()
        self.assertFalse(self.entry(self.customer), "600 - 150 is not > 500")


@tagged("post_install", "-at_install")
class TestBranchesAndCompanies(CollectionCase):
    """SPEC §3.4 and §10."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.harbor = cls.make_branch("Harbor Branch")
        cls.valley = cls.make_branch("Valley Branch")
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                allowed_company_ids=(cls.company | cls.harbor | cls.valley).ids,
            )
        )
        cls.Profile = cls.Profile.with_env(cls.env)
        cls.Queue = cls.Queue.with_env(cls.env)

    def test_empty_branches_means_the_whole_tree(self):
        profile = self.make_profile("Any branch", 10, (1, 0), 100)
        self.make_invoice(self.customer, 300, due=days_ago(10), company=self.valley)
        self.refresh()
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, profile)
        self.assertEqual(entry.company_id, self.company)
        self.assertIn("Valley Branch", entry.reason)

    def test_new_branch_is_never_forgotten(self):
        profile = self.make_profile("Any branch", 10, (1, 0), 100)
        new_branch = self.make_branch("Desert Branch")
        self.env = self.env(
            context=dict(
                self.env.context,
                allowed_company_ids=self.env.context["allowed_company_ids"]
                + new_branch.ids,
            )
        )
        self.make_invoice(self.customer, 300, due=days_ago(10), company=new_branch)
        self.refresh()
        self.assertEqual(self.entry(self.customer).profile_id, profile)

    def test_selected_branches(self):
        harbor_only = self.make_profile(
            "Harbor only", 20, (1, 0), 100, branch_ids=[(6, 0, self.harbor.ids)]
        )
        self.make_invoice(self.customer, 300, due=days_ago(10), company=self.valley)
        self.refresh()
        self.assertFalse(self.entry(self.customer))
        self.make_invoice(self.customer, 50, due=days_ago(12), company=self.harbor)
        self.refresh()
        entry = self.entry(self.customer)
        # One in-window item in the selected branch; the amount counts the whole tree.
        self.assertEqual(entry.profile_id, harbor_only)
        self.assertAlmostEqual(entry.amount_past_due, 350)
        self.assertIn("branch Harbor Branch", entry.reason)
        self.assertNotIn("Valley Branch", entry.reason)

    def test_branch_must_be_in_the_profile_company_tree(self):
        other = self.env["res.company"].sudo().create({"name": "Unrelated Inc."})
        with self.assertRaises(ValidationError):
            self.make_profile("Wrong", 20, (1, 0), 100, branch_ids=[(6, 0, other.ids)])

    def test_reason_explains_the_placement(self):
        self.make_profile(
            "61-90", 30, (61, 90), 500, branch_ids=[(6, 0, self.harbor.ids)]
        )
        for days in (65, 70, 80):
            self.make_invoice(
                self.customer, 416.67, due=days_ago(days), company=self.harbor
            )
        self.refresh()
        self.assertEqual(
            self.entry(self.customer).reason,
            "3 items 61–90 days past due totalling 1,250.01 > 500.00; "
            "branch Harbor Branch; priority 30",
        )


@tagged("post_install", "-at_install")
class TestSeparateCompanies(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.env.user.company_ids |= cls.company_b
        cls.customer = cls.make_customer("Shared Customer")

    def test_one_queue_per_company(self):
        mine = self.make_profile("Mine", 10, (1, 0), 100)
        theirs = self.make_profile("Theirs", 10, (1, 0), 1000, company=self.company_b)
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.make_invoice(self.customer, 3000, due=days_ago(10), company=self.company_b)
        both = self.env(
            context=dict(
                self.env.context,
                allowed_company_ids=(self.company | self.company_b).ids,
            )
        )
        result = self.Profile.with_env(both).refresh_queues(date=TODAY)
        self.assertEqual(result["added"], 2)
        self.assertEqual(self.entry(self.customer).profile_id, mine)
        self.assertEqual(self.entry(self.customer, self.company_b).profile_id, theirs)
        # Each company's items only: 300 in mine, 3000 in theirs.
        self.assertAlmostEqual(self.entry(self.customer).amount_due, 300)
        # Values of the current company.
        self.assertEqual(
            self.customer.with_company(self.company_b).collection_profile_id, theirs
        )
        self.assertEqual(
            self.customer.with_company(self.company).collection_profile_id, mine
        )

    def test_refresh_acts_on_the_current_companies_only(self):
        self.make_profile("Theirs", 10, (1, 0), 100, company=self.company_b)
        self.make_invoice(self.customer, 3000, due=days_ago(10), company=self.company_b)
        only_mine = self.env(
            context=dict(self.env.context, allowed_company_ids=self.company.ids)
        )
        self.assertEqual(
            self.Profile.with_env(only_mine).refresh_queues(date=TODAY)["added"], 0
        )
        self.assertFalse(self.entry(self.customer, self.company_b))
