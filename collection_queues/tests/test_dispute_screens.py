# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import CollectionCase, days_ago


@tagged("post_install", "-at_install")
class TestDisputeScreens(CollectionCase):
    """The dispute dialogs, opened as the invoice, entry, partner and dispute
    forms open them, by a collector."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.pricing = cls.env.ref("collection_queues.dispute_reason_pricing")
        cls.quality = cls.env.ref("collection_queues.dispute_reason_quality")
        cls.acme = cls.make_customer("Acme Plumbing")
        cls.recent = cls.make_invoice(cls.acme, 800, due=days_ago(45))
        cls.old = cls.make_invoice(cls.acme, 600, due=days_ago(100))
        cls.refresh(cls, cls.acme)
        cls.collector = cls.make_user(
            "dispute_screen_collector",
            "base.group_user,account.group_account_invoice,"
            "collection_queues.group_collection_user",
        )

    def dialog(self, model, records=None, context=None):
        if context is None:
            context = {
                "active_model": records._name,
                "active_ids": records.ids,
                "active_id": records[:1].id,
            }
        return Form(self.env(user=self.collector)[model].with_context(**context))

    def disputes(self, invoice):
        return self.env["collection.dispute"].search([("move_id", "=", invoice.id)])

    def test_dispute_from_the_invoice(self):
        action = self.old.with_user(self.collector).action_collection_dispute()
        self.assertEqual(action["res_model"], "collection.dispute.wizard")
        dialog = self.dialog(action["res_model"], context=action["context"])
        self.assertEqual(dialog.partner_id, self.acme)
        self.assertEqual(dialog.move_ids[:], self.old)
        self.assertEqual(dialog.amount, 600, "all of its amount due")
        self.assertEqual(dialog.available_move_ids[:], self.old | self.recent)
        dialog.reason_id = self.pricing
        dialog.amount = 200
        dialog.note = "Quoted 400"
        self.assertIn("will not be requested", dialog.summary)
        result = dialog.save().action_apply()
        self.assertEqual(
            result["params"]["next"]["type"], "ir.actions.act_window_close"
        )
        dispute = self.disputes(self.old)
        self.assertEqual(dispute.amount, 200)
        self.assertEqual(dispute.reason_id, self.pricing)
        self.assertEqual(dispute.note, "Quoted 400")
        self.assertEqual(dispute.user_id, self.collector)
        self.assertEqual(self.old.collection_dispute_label, "Disputed: Pricing")

    def test_dispute_from_the_entry_picking_one_invoice(self):
        entry = self.entry(self.acme)
        dialog = self.dialog("collection.dispute.wizard", entry)
        self.assertEqual(dialog.partner_id, self.acme)
        self.assertFalse(dialog.move_ids[:], "the collector picks")
        self.assertEqual(dialog.available_move_ids[:], self.old | self.recent)
        dialog.move_ids.add(self.recent)
        self.assertEqual(dialog.amount, 800)
        dialog.reason_id = self.quality
        dialog.save().action_apply()
        dispute = self.disputes(self.recent)
        self.assertEqual((dispute.amount, dispute.state), (800, "open"))
        self.assertFalse(self.disputes(self.old))
        # Disputed: no longer offered, from the partner form either; the one
        # invoice left is picked already.
        dialog = self.dialog("collection.dispute.wizard", self.acme)
        self.assertEqual(dialog.available_move_ids[:], self.old)
        self.assertEqual(dialog.move_ids[:], self.old)
        self.assertEqual(dialog.amount, 600)

    def test_dispute_several_invoices_from_the_partner_form(self):
        dialog = self.dialog("collection.dispute.wizard", self.acme)
        dialog.move_ids.add(self.old)
        dialog.move_ids.add(self.recent)
        dialog.reason_id = self.pricing
        self.assertIn("2 invoices", dialog.summary)
        dialog.save().action_apply()
        self.assertEqual(self.disputes(self.old).amount, 600)
        self.assertEqual(self.disputes(self.recent).amount, 800)

    def test_close_rejected(self):
        dispute = self.env["collection.dispute"].browse(
            self.old.with_user(self.collector).collection_dispute(self.pricing.id)
        )
        # From the invoice's Close Dispute button.
        action = self.old.with_user(self.collector).action_collection_close_dispute()
        dialog = self.dialog(action["res_model"], context=action["context"])
        self.assertEqual(dialog.dispute_ids[:], dispute)
        dialog.accepted = "rejected"
        dialog.resolution = "The price was right."
        result = dialog.save().action_apply()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(dispute.state, "rejected")
        self.assertEqual(dispute.resolution, "The price was right.")
        self.assertFalse(self.old.collection_dispute_label)

    def test_close_accepted_opens_the_credit_note_dialog(self):
        dispute = self.env["collection.dispute"].browse(
            self.old.with_user(self.collector).collection_dispute(self.pricing.id)
        )
        dialog = self.dialog("collection.dispute.close.wizard", dispute)
        dialog.accepted = "accepted"
        dialog.resolution = "Price corrected."
        action = dialog.save().action_apply()
        self.assertEqual(dispute.state, "accepted")
        self.assertEqual(action["res_model"], "account.move.reversal")
        self.assertEqual(action["context"]["active_model"], "account.move")
        self.assertEqual(action["context"]["active_ids"], self.old.ids)

    def test_a_customer_in_a_queue_closed_to_the_collector_is_not_shown(self):
        entry = self.entry(self.acme)
        self.assertEqual(entry.profile_id, self.p_91)
        self.p_91.user_ids = self.make_user(
            "dispute_screen_other",
            "base.group_user,collection_queues.group_collection_user",
        )
        with self.assertRaises(AccessError):
            self.dialog("collection.dispute.wizard", entry)
        with self.assertRaises(AccessError):
            self.dialog("collection.dispute.wizard", self.acme)
        with self.assertRaises(AccessError):
            self.dialog("collection.dispute.wizard", self.old)
        Wizard = self.env["collection.dispute.wizard"].with_user(self.collector)
        with self.assertRaises(AccessError):
            Wizard.create({"partner_id": self.acme.id, "reason_id": self.pricing.id})
        with self.assertRaises(AccessError):
            Wizard.create(
                {
                    "partner_id": self.make_customer("Bolt Electric").id,
                    "move_ids": [(6, 0, self.old.ids)],
                    "reason_id": self.pricing.id,
                }
            )
        # Nor close the dispute of such a customer.
        dispute = self.env["collection.dispute"].browse(
            self.old.collection_dispute(self.pricing.id)
        )
        with self.assertRaises(AccessError):
            self.dialog("collection.dispute.close.wizard", dispute)
        with self.assertRaises(AccessError):
            self.env["collection.dispute.close.wizard"].with_user(
                self.collector
            ).create(
                {
                    "dispute_ids": [(6, 0, dispute.ids)],
                    "accepted": "rejected",
                    "resolution": "No",
                }
            )

    def test_working_in_a_branch_only_shows_nothing_of_a_closed_queue(self):
        """A branch's invoices count in its parent's entry: working in the
        branch alone, the collector still meets the parent's closed queue."""
        branch = self.make_branch("Harbour Branch")
        self.collector.company_ids |= branch
        invoice = self.make_invoice(self.acme, 300, due=days_ago(50), company=branch)
        self.p_91.user_ids = self.make_user(
            "dispute_screen_branch_other",
            "base.group_user,collection_queues.group_collection_user",
        )
        in_branch = {"allowed_company_ids": branch.ids}
        Wizard = (
            self.env["collection.dispute.wizard"]
            .with_user(self.collector)
            .with_context(**in_branch)
        )
        with self.assertRaises(AccessError):
            Wizard.with_context(
                active_model="account.move", active_ids=invoice.ids
            ).default_get(["partner_id", "move_ids"])
        with self.assertRaises(AccessError):
            Wizard.create({"partner_id": self.acme.id, "reason_id": self.pricing.id})
