# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CollectionCase, days_ago


@tagged("post_install", "-at_install")
class TestDisputes(CollectionCase):
    """A disputed invoice stops counting against its customer until the dispute
    is closed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.pricing = cls.env.ref("collection_queues.dispute_reason_pricing")
        cls.acme = cls.make_customer("Acme Plumbing")
        # 45 days late (31-60) and 100 days late (91+).
        cls.recent = cls.make_invoice(cls.acme, 800, due=days_ago(45))
        cls.old = cls.make_invoice(cls.acme, 600, due=days_ago(100))
        cls.refresh(cls, cls.acme)
        cls.collector = cls.make_user(
            "dispute_collector",
            "base.group_user,account.group_account_invoice,"
            "collection_queues.group_collection_user",
        )

    def dispute(self, invoice, amount=False, user=None):
        move = invoice.with_user(user) if user else invoice
        return self.env["collection.dispute"].browse(
            move.collection_dispute(self.pricing.id, amount=amount, note="Wrong price")
        )

    def test_the_customer_falls_to_the_queue_its_other_invoice_puts_it_in(self):
        self.assertEqual(self.entry(self.acme).profile_id, self.p_91)
        dispute = self.dispute(self.old, user=self.collector)
        self.assertEqual(dispute.amount, 600)
        self.assertEqual(dispute.state, "open")
        self.assertEqual(self.old.collection_dispute_label, "Disputed: Pricing")
        self.refresh(self.acme)
        entry = self.entry(self.acme)
        self.assertEqual(entry.profile_id, self.p_31_60)
        self.assertEqual(entry.days_past_due, 45)
        self.assertEqual(entry.amount_past_due, 800)
        self.assertEqual(entry.amount_due, 1400, "the balance is the balance")
        # History on the entry and a note in the invoice's chatter.
        (line,) = self.history(self.acme, "dispute")
        self.assertIn(self.old.name, line.note)
        self.assertEqual(line.user_id, self.collector)
        self.assertIn("in dispute", self.old.message_ids[0].body)

    def test_a_rejected_dispute_brings_the_amount_back(self):
        dispute = self.dispute(self.old)
        self.dispute(self.recent)
        self.refresh(self.acme)
        ended = self.Queue.search([("partner_id", "=", self.acme.id)], limit=1)
        self.assertFalse(self.entry(self.acme), "nothing past due is claimed")
        self.assertEqual(ended.outcome, "disputed", "it did not pay")
        self.assertIn("in dispute", self.history(self.acme, "removed").note)
        dispute.collection_close(False, "The price was right.")
        self.assertEqual(dispute.state, "rejected")
        self.assertEqual(dispute.date_closed, days_ago(0))
        self.assertIn("rejected", self.old.message_ids[0].body)
        self.assertFalse(
            self.history(self.acme, "dispute_closed"), "no entry to log it on"
        )
        self.refresh(self.acme)
        self.assertEqual(self.entry(self.acme).profile_id, self.p_91)

    def test_a_partial_dispute_lowers_the_amount_past_due_only(self):
        self.dispute(self.old, amount=50)
        self.refresh(self.acme)
        entry = self.entry(self.acme)
        self.assertEqual(entry.profile_id, self.p_91, "550 still 100 days late")
        self.assertEqual(entry.amount_past_due, 550, "in the queue's window")
        self.assertEqual(entry.days_past_due, 100)

    def test_instalments_share_the_disputed_part(self):
        term = self.payment_term((50, 0), (50, 30))
        customer = self.make_customer("Bolt Electric")
        invoice = self.make_invoice(
            customer, 1000, invoice_date=days_ago(130), payment_term=term
        )
        self.refresh(customer)
        self.assertEqual(self.entry(customer).amount_past_due, 1000)
        self.dispute(invoice, amount=400)
        self.refresh(customer)
        entry = self.entry(customer)
        self.assertEqual(entry.amount_past_due, 600, "60 % of each instalment")
        self.assertEqual(entry.days_past_due, 130)

    def test_accepted_offers_the_credit_note_dialog(self):
        dispute = self.dispute(self.old)
        dispute.collection_close(True, "Price corrected.")
        self.assertEqual(dispute.state, "accepted")
        action = dispute.action_credit_note()
        self.assertEqual(action["res_model"], "account.move.reversal")
        self.assertEqual(action["context"]["active_ids"], self.old.ids)
        # Closed while the customer is in a queue: logged there.
        (line,) = self.history(self.acme, "dispute_closed")
        self.assertIn("accepted", line.note)
        self.assertIn("Price corrected.", line.note)

    def test_an_invoice_paid_while_disputed(self):
        dispute = self.dispute(self.old)
        self.pay(self.old)
        self.refresh(self.acme)
        self.assertEqual(self.entry(self.acme).profile_id, self.p_31_60)
        dispute.collection_close(False, "Paid meanwhile.")
        self.refresh(self.acme)
        self.assertEqual(self.entry(self.acme).profile_id, self.p_31_60)

    def test_bad_input_is_refused_before_anything_changes(self):
        with self.assertRaisesRegex(UserError, "left to pay"):
            self.dispute(self.old, amount=601)
        with self.assertRaisesRegex(UserError, "reason"):
            self.old.collection_dispute(False)
        with self.assertRaises(UserError):
            self.old.collection_dispute("Pricing")
        with self.assertRaisesRegex(UserError, "one invoice at a time"):
            self.dispute(self.old | self.recent, amount=10)
        refund = self.make_invoice(self.acme, 50, move_type="out_refund")
        with self.assertRaisesRegex(UserError, "posted customer invoices"):
            self.dispute(refund)
        draft = self.make_invoice(self.acme, 50, due=days_ago(5), post=False)
        with self.assertRaisesRegex(UserError, "posted customer invoices"):
            self.dispute(draft)
        dispute = self.dispute(self.old)
        with self.assertRaisesRegex(UserError, "Already in dispute"):
            self.dispute(self.old)
        with self.assertRaisesRegex(UserError, "resolved"):
            dispute.collection_close(True, "  ")
        with self.assertRaises(UserError):
            dispute.collection_close("yes", "ok")
        dispute.collection_close(False, "No.")
        with self.assertRaisesRegex(UserError, "closed already"):
            dispute.collection_close(True, "Again")
        self.assertEqual(len(self.history(self.acme, "dispute")), 1)
        with self.assertRaises(AccessError):
            dispute.write({"amount": 1})

    def test_access(self):
        salesman = self.make_user("dispute_salesman", "base.group_user")
        with self.assertRaises(AccessError):
            self.dispute(self.old, user=salesman)
        # A collector kept out of the customer's queue.
        other = self.make_user(
            "dispute_other",
            "base.group_user,account.group_account_invoice,"
            "collection_queues.group_collection_user",
        )
        self.p_91.user_ids = self.collector
        with self.assertRaises(AccessError):
            self.dispute(self.old, user=other)
        dispute = self.dispute(self.old, user=self.collector)
        self.assertFalse(
            self.env["collection.dispute"].with_user(other).search([]),
            "the disputes of customers she may not see",
        )
        with self.assertRaises(AccessError):
            dispute.with_user(other).collection_close(False, "No")
        with self.assertRaises(AccessError):
            dispute.with_user(salesman).collection_close(False, "No")
        # Another company's invoice.
        other_company = self.setup_other_company(name="Company D")["company"]
        invoice = self.make_invoice(
            self.acme, 70, due=days_ago(40), company=other_company
        )
        with self.assertRaises(AccessError):
            self.dispute(invoice, user=self.collector)

    def test_letters_leave_the_disputed_amount_out(self):
        self.company.collection_letter_template_id = self.env.ref(
            "collection_queues.mail_template_collection_friendly_reminder"
        )
        self.dispute(self.old, amount=200)
        self.dispute(self.recent)
        entry = self.entry(self.acme)
        items = {item["number"]: item for item in entry._letter_items()}
        self.assertEqual(list(items), [self.old.name], "all of the other in dispute")
        self.assertEqual(items[self.old.name]["residual_value"], 400)
        self.assertTrue(items[self.old.name]["pay_url"])
        disputed = {
            item["number"]: (item["disputed_value"], item["reason"])
            for item in entry._letter_disputed_items()
        }
        self.assertEqual(
            disputed,
            {self.old.name: (200, "Pricing"), self.recent.name: (800, "Pricing")},
        )
        action = entry.collection_send_letters(channel="print")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(action["report_name"], entry.ids, data=action["data"])[0]
            .decode()
        )
        self.assertIn("In dispute, not requested", html)
        self.assertNotIn(f"/my/invoices/{self.recent.id}?", html, "no link to pay it")

    def test_steps_wait_while_everything_past_due_is_in_dispute(self):
        self.acme.collection_move_to_queue(self.p_legal.id)
        self.env["collection.profile.step"].create(
            {
                "profile_id": self.p_legal.id,
                "name": "Reminder",
                "day": 0,
                "action": "todo",
            }
        )
        self.dispute(self.old)
        self.dispute(self.recent)
        self.refresh(self.acme)
        result = self.Profile.collection_run_steps(dry_run=True)
        (held,) = [
            line for line in result["held"] if line["partner_id"] == self.acme.id
        ]
        self.assertEqual(held["reason"], "Everything past due is in dispute")
        # Once a dispute is rejected, the step runs.
        self.env["collection.dispute"].search(
            [("move_id", "=", self.old.id)]
        ).collection_close(False, "Delivered.")
        self.refresh(self.acme)
        result = self.Profile.collection_run_steps()
        self.assertIn(self.acme.id, [line["partner_id"] for line in result["done"]])

    def test_the_banner_and_the_entry_say_how_many_invoices_are_in_dispute(self):
        entry = self.entry(self.acme)
        self.assertFalse(entry.dispute_summary)
        self.dispute(self.old)
        self.assertEqual(entry.dispute_count, 1)
        self.assertEqual(entry.dispute_summary, "1 invoice in dispute")
        salesman = self.make_user("dispute_seller", "base.group_user")
        self.assertEqual(
            self.acme.with_user(salesman).collection_dispute_summary,
            "1 invoice in dispute",
            "every employee sees it on the banner",
        )
        self.dispute(self.recent)
        self.assertEqual(entry.dispute_summary, "2 invoices in dispute")
        self.assertEqual(self.Queue.search([("dispute_count", ">", 0)]), entry)
        self.assertNotIn(entry, self.Queue.search([("dispute_count", "=", 0)]))
        with self.assertRaises(UserError):
            self.Queue.search([("dispute_count", "ilike", "x")])

    def test_analysis_reads_disputed_receivables_by_reason_and_owner(self):
        quality = self.env.ref("collection_queues.dispute_reason_quality")
        self.dispute(self.old, user=self.collector)
        self.recent.collection_dispute(quality.id, amount=300)
        manager = self.make_user(
            "dispute_manager",
            "base.group_user,collection_queues.group_collection_manager",
        )
        Kpi = self.env["collection.kpi"].with_user(manager)
        result = Kpi.get_kpis(days_ago(30), days_ago(0))
        self.assertEqual(result["disputed_total"], 900)
        self.assertEqual(
            {row["name"]: row["amount"] for row in result["disputes_by_reason"]},
            {"Pricing": 600, "Quality": 300},
        )
        self.assertEqual(
            {row["name"]: row["count"] for row in result["disputes_by_owner"]},
            {self.collector.name: 1, self.env.user.name: 1},
        )
        self.assertIs(result["dispute_accepted_share"], False)
        self.assertIs(result["dispute_days_to_close"], False, "not 0: none closed")
        self.assertIn("dispute_accepted_share", result["not_meaningful"])
        dashboard = (
            self.env["collection.kpi.dashboard"]
            .with_user(manager)
            .create({"date_from": days_ago(30), "date_to": days_ago(0)})
        )
        self.assertIn("Quality", dashboard.tables)
        self.assertIn("No dispute was closed in the period.", dashboard.tables)
        self.env["collection.dispute"].search(
            [("move_id", "=", self.old.id)]
        ).collection_close(True, "Price corrected.")
        result = Kpi.get_kpis(days_ago(30), days_ago(0))
        self.assertEqual(result["disputed_total"], 300)
        self.assertEqual(result["disputes_closed"], 1)
        self.assertEqual(result["dispute_accepted_share"], 100.0)
        self.assertEqual(result["dispute_days_to_close"], 0.0)

    def test_what_probing_found(self):
        """Refusals and visibility found wanting by an RPC probe."""
        dispute = self.dispute(self.old, user=self.collector)
        # A queue closed to the collector in a company she does not work in
        # hides nothing of this company's disputes.
        company_b = self.setup_other_company(name="Company E")["company"]
        other = self.make_user("dispute_other_b", "base.group_user")
        queue_b = self.Profile.with_company(company_b).create(
            {
                "name": "Closed elsewhere",
                "company_id": company_b.id,
                "user_ids": [(6, 0, other.ids)],
            }
        )
        self.acme.with_company(company_b).with_context(
            allowed_company_ids=company_b.ids
        ).collection_put_in_queue(queue_b.id)
        self.assertEqual(
            self.env["collection.dispute"].with_user(self.collector).search([]),
            dispute,
        )
        # A dialog is its user's.
        wizard = (
            self.env["collection.dispute.close.wizard"]
            .with_context(active_model="collection.dispute", active_ids=dispute.ids)
            .create({"accepted": "rejected", "resolution": "Mine"})
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.collector).read(["resolution"])
        # Searches by the number of disputes: with none, or with some.
        entry = self.entry(self.acme)
        self.assertIn(entry, self.Queue.search([("dispute_count", ">", 0)]))
        self.assertNotIn(entry, self.Queue.search([("dispute_count", "<=", 0)]))
        for operator, value in (("=", 3), (">", 5), (">", -1), ("!=", 3)):
            with self.assertRaises(UserError):
                self.Queue.search([("dispute_count", operator, value)])
        # An outcome is said, not guessed; an amount is of cents at least.
        with self.assertRaisesRegex(UserError, "accepted"):
            dispute.collection_close(None, "Nothing said")
        self.assertEqual(dispute.state, "open")
        with self.assertRaisesRegex(UserError, "cents"):
            self.recent.collection_dispute(self.pricing.id, amount=0.001)
