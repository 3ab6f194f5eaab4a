# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import html2plaintext, mute_logger

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .common import TODAY, CollectionCase, days_ago


@tagged("post_install", "-at_install")
class TestOdooOperations(CollectionCase):
    """Odoo's own operations on customers lose no collection record: Contacts >
    Merge, archiving a customer, moving it to another company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.env.user.company_ids |= cls.company_b
        cls.b_late = cls.make_profile(
            "B late",
            10,
            (1, 0),
            100,
            company=cls.company_b,
            initial_status_id=cls.status_late.id,
        )
        cls.b_watch = cls.make_profile(
            "B watch", company=cls.company_b, initial_status_id=cls.status_call.id
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def both_companies(self, records):
        return records.with_context(
            allowed_company_ids=(self.company | self.company_b).ids
        )

    def refresh_both(self, partners):
        return self.both_companies(self.Profile).refresh_queues(
            partners=partners.ids, date=TODAY
        )

    def merge(self, kept, *others):
        """Contacts > Merge, as the dialog does it: the contacts selected, the
        one to keep chosen."""
        partners = kept.union(*others)
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {"partner_ids": [Command.set(partners.ids)], "dst_partner_id": kept.id}
        )
        wizard.action_merge()
        self.assertFalse(partners.exists() - kept, "the others are merged away")

    def records(self, partners):
        """Every collection record of the customers, by model."""
        domain = [("partner_id", "in", partners.ids)]
        return {
            model: sorted(
                self.env[model]
                .sudo()
                .with_context(active_test=False)
                .search(domain)
                .ids
            )
            for model in (
                "collection.queue",
                "collection.activity",
                "collection.promise",
            )
        }

    def assertAllKept(self, before, customer):
        """Every record of ``before`` still exists, now the customer's."""
        for model, ids in before.items():
            records = self.env[model].sudo().with_context(active_test=False).browse(ids)
            self.assertEqual(len(records.exists()), len(ids), f"{model}: none lost")
            if ids:
                self.assertEqual(records.partner_id, customer, f"{model}: its own")

    def open_entries(self, partners):
        return self.Queue.sudo().search(
            [("partner_id", "in", partners.ids), ("state", "=", "open")]
        )

    def notes(self, entry, code="note"):
        lines = self.Activity.sudo().search(
            [("queue_id", "=", entry.id), ("activity_type_id.code", "=", code)]
        )
        return [html2plaintext(line.note) for line in lines]

    # ------------------------------------------------------------------
    # Contacts > Merge
    # ------------------------------------------------------------------

    def test_merge_customers_in_queues_of_two_companies(self):
        kept = self.make_customer("Kept Ltd")
        gone = self.make_customer("Gone Ltd")
        # Company A: both placed by the rules.
        self.make_invoice(kept, 400, due=days_ago(40))
        self.make_invoice(gone, 200, due=days_ago(10))
        # Company B: the kept customer by the rules, the other by a user in a
        # queue that is not sequenced.
        self.make_invoice(kept, 300, due=days_ago(10), company=self.company_b)
        self.make_invoice(gone, 150, due=days_ago(10), company=self.company_b)
        self.both_companies(gone).collection_put_in_queue(self.b_watch)
        self.refresh_both(kept | gone)
        gone.collection_log(self.type_call, note="Will pay next week")
        gone.collection_promise(150.0, TODAY + timedelta(days=7))
        kept.collection_promise(200.0, TODAY + timedelta(days=5))
        kept.collection_promise(400.0, TODAY + timedelta(days=10))  # replaces it
        kept_a, gone_a = self.entry(kept), self.entry(gone)
        kept_b = self.entry(kept, self.company_b)
        gone_b = self.entry(gone, self.company_b)
        self.assertEqual(
            (
                kept_a.profile_id,
                gone_a.profile_id,
                kept_b.profile_id,
                gone_b.profile_id,
            ),
            (self.p_31_60, self.p_1_30, self.b_late, self.b_watch),
        )
        before = self.records(kept | gone)
        counts = {model: len(ids) for model, ids in before.items()}
        self.assertEqual(counts["collection.queue"], 4)
        self.assertEqual(counts["collection.promise"], 3)
        gone_promise = self.env["collection.promise"].search(
            [("partner_id", "=", gone.id)]
        )

        self.merge(kept, gone)

        self.assertAllKept(before, kept)
        # One open entry per company: in A the kept customer's, in B the
        # placement a user made, which no refresh would make again.
        self.assertEqual(self.open_entries(kept), kept_a | gone_b)
        self.assertEqual(gone_b.profile_id, self.b_watch)
        for ended, stays in ((gone_a, kept_a), (kept_b, gone_b)):
            self.assertEqual(ended.state, "closed")
            self.assertEqual(ended.outcome, "moved")
            self.assertTrue(ended.date_end)
            self.assertIn("Kept Ltd", ended.close_reason)
            self.assertIn(stays.profile_id.name, ended.close_reason)
        # The entry that stays tells what became of the other.
        (note_a,) = self.notes(kept_a)
        self.assertIn("Gone Ltd", note_a)
        self.assertIn("1-30", note_a)
        (note_b,) = self.notes(gone_b)
        self.assertIn("Kept Ltd", note_b)
        self.assertIn("B late", note_b)
        # The newest promise stands; the other is cancelled, and says so.
        promises = self.env["collection.promise"].search([("partner_id", "=", kept.id)])
        self.assertEqual(len(promises), 3)
        (standing,) = promises.filtered(lambda promise: promise.state == "open")
        self.assertEqual(standing.amount, 400.0)
        self.assertEqual(standing.queue_id, kept_a)
        self.assertEqual(kept_a.promise_id, standing)
        self.assertEqual(gone_promise.state, "cancelled")
        self.assertTrue(
            any("merged" in note for note in self.notes(kept_a, "promise")),
            "the cancelled promise is in the history",
        )
        # The manual line logged for the other customer is the customer's now.
        self.assertIn(
            "Will pay next week",
            " ".join(html2plaintext(line.note or "") for line in self.history(kept)),
        )
        # The customer's figures follow its merged receivables (A: 400 + 200).
        self.assertAlmostEqual(kept_a.amount_due, 600.0)
        self.assertEqual(kept.collection_profile_id, self.p_31_60)
        self.assertEqual(
            kept.with_company(self.company_b).collection_profile_id, self.b_watch
        )

    def test_merge_when_only_the_merged_customer_is_in_a_queue(self):
        kept = self.make_customer("Kept Ltd")
        gone = self.make_customer("Gone Ltd")
        self.make_invoice(gone, 200, due=days_ago(10))
        self.refresh(gone)
        gone.collection_promise(150.0, TODAY + timedelta(days=7))
        entry = self.entry(gone)
        before = self.records(kept | gone)

        self.merge(kept, gone)

        self.assertAllKept(before, kept)
        self.assertEqual(self.open_entries(kept), entry, "the same stay goes on")
        self.assertEqual(entry.profile_id, self.p_1_30)
        (note,) = self.notes(entry)
        self.assertIn("Gone Ltd", note)
        self.assertEqual(entry.promise_id.state, "open")
        self.assertEqual(entry.promise_id.partner_id, kept)
        self.assertTrue(kept.in_collections)
        self.assertIn("Promised", kept.collection_promise_summary)

    def test_merge_when_neither_is_in_a_queue(self):
        """Their history comes along; the merged receivables meet a queue that
        neither met alone, and the refresh that follows the merge says so."""
        kept = self.make_customer("Kept Ltd")
        gone = self.make_customer("Gone Ltd")
        self.make_invoice(kept, 80, due=days_ago(10))
        self.make_invoice(gone, 80, due=days_ago(12))
        gone.collection_put_in_queue(self.p_watch)
        gone.collection_remove_from_queue()
        self.assertCounts(self.refresh(kept | gone))
        self.assertFalse(self.open_entries(kept | gone))
        before = self.records(kept | gone)
        self.assertEqual(len(before["collection.activity"]), 2)

        self.merge(kept, gone)

        self.assertAllKept(before, kept)
        entry = self.open_entries(kept)
        self.assertEqual(entry.profile_id, self.p_1_30)
        self.assertFalse(entry.user_id, "placed by the System")
        (added,) = self.history(kept, "added").filtered(lambda line: not line.user_id)
        self.assertIn("160.00", added.note)

    def test_merge_into_a_contact_of_a_company(self):
        """The records go to the customer: the company of the contact kept."""
        company = self.make_customer("Parent Co")
        contact = self.make_customer(
            "Ann Buyer", is_company=False, parent_id=company.id
        )
        gone = self.make_customer("Ann Buyer (duplicate)", is_company=False)
        self.make_invoice(company, 400, due=days_ago(40))
        self.make_invoice(gone, 200, due=days_ago(10))
        self.refresh(company | gone)
        self.assertEqual(self.entry(gone).profile_id, self.p_1_30)
        before = self.records(company | gone)

        self.merge(contact, gone)

        self.assertEqual(contact.commercial_partner_id, company)
        self.assertAllKept(before, company)
        self.assertEqual(self.open_entries(company), self.entry(company))
        self.assertEqual(self.entry(company).profile_id, self.p_31_60)
        self.assertFalse(self.open_entries(contact))
        self.assertAlmostEqual(self.entry(company).amount_due, 600.0)

    # ------------------------------------------------------------------
    # Archiving a customer, moving it to another company
    # ------------------------------------------------------------------

    def test_archiving_a_customer_keeps_its_collections(self):
        customer = self.make_customer("Archived Ltd")
        self.make_invoice(customer, 400, due=days_ago(40))
        self.refresh(customer)
        customer.collection_log(self.type_call, note="Left a message")
        entry = self.entry(customer)
        before = self.records(customer)

        customer.action_archive()
        self.assertCounts(self.refresh(customer), unchanged=1)

        self.assertAllKept(before, customer)
        self.assertEqual(entry.state, "open", "it still owes what it owed")
        self.assertEqual(customer.collection_queue_id, entry)
        customer.action_unarchive()
        self.assertEqual(self.records(customer), before)

    def test_moving_a_customer_to_another_company_keeps_its_collections(self):
        customer = self.make_customer("Moving Ltd")
        contact = self.make_customer(
            "Bob Payer", is_company=False, parent_id=customer.id
        )
        self.make_invoice(customer, 400, due=days_ago(40))
        self.make_invoice(contact, 300, due=days_ago(10), company=self.company_b)
        self.refresh_both(customer)
        entries = self.open_entries(customer)
        self.assertEqual(len(entries), 2)
        before = self.records(customer)

        contact.company_id = self.company_b
        customer.company_id = self.company_b
        result = self.refresh_both(customer)

        self.assertCounts(result, unchanged=2)
        self.assertAllKept(before, customer)
        self.assertEqual(self.open_entries(customer), entries)
        self.assertEqual(self.records(customer), before)

    # ------------------------------------------------------------------
    # Uninstalling the addon
    # ------------------------------------------------------------------

    def test_uninstall_keeps_what_accounting_uses(self):
        """While the addon is uninstalled, a record the database would refuse
        to delete is refused beforehand, and quietly; the others go."""
        used = self.make_customer("Invoiced Ltd")
        self.make_invoice(used, 100, due=days_ago(1))
        unused = self.make_customer("Never Invoiced")
        module = self.env["ir.module.module"].search(
            [("name", "=", "collection_queues")]
        )
        uninstalling = self.env["res.partner"].with_context(
            **{MODULE_UNINSTALL_FLAG: True}
        )
        module.state = "to remove"
        with self.assertRaisesRegex(UserError, "still in use"), self.env.cr.savepoint():
            uninstalling.browse(used.id).unlink()
        self.assertTrue(used.exists())
        uninstalling.browse(unused.id).unlink()
        self.assertFalse(unused.exists())
        # Any other time, the database refuses, as without the addon.
        module.state = "installed"
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            uninstalling.browse(used.id).unlink()
