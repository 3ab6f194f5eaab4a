# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo shows the product at once: customers in every queue."""

    def test_customers_in_every_demo_queue(self):
        profiles = self.env["collection.profile"].search(
            [("company_id", "=", self.env.ref("base.main_company").id)]
        )
        self.assertGreaterEqual(len(profiles.filtered("auto_sequence")), 4)
        self.assertGreaterEqual(
            len(profiles.filtered(lambda p: not p.auto_sequence)), 2
        )
        for profile in profiles:
            self.assertTrue(profile.open_entry_count, f"{profile.name} is empty")

    def test_demo_customers_where_expected(self):
        def queue_of(xmlid):
            return self.env.ref(f"collection_queues.{xmlid}").collection_profile_id

        self.assertEqual(
            queue_of("demo_partner_mesa_landscaping"),
            self.env.ref("collection_queues.demo_profile_91"),
        )
        self.assertEqual(
            queue_of("demo_partner_coastal_property"),
            self.env.ref("collection_queues.demo_profile_legal"),
        )
        branch_customer = self.env.ref("collection_queues.demo_partner_pacific_fitness")
        self.assertIn("San Diego", branch_customer.collection_queue_id.reason)
        harbor = self.env.ref("collection_queues.demo_partner_harbor_dental")
        self.assertEqual(
            harbor.collection_status_id,
            self.env.ref("collection_queues.status_promise_to_pay"),
        )
        self.assertTrue(harbor.collection_queue_id.activity_ids, "a follow-up To-Do")
        self.assertEqual(harbor.collection_queue_id.promise_state, "open")
        self.assertIn("1,000.00", harbor.collection_promise_summary)

    def test_disputes_open_and_closed(self):
        """An open dispute to read by reason, one rejected to time; and a
        customer with two overdue invoices in two windows, to dispute one."""
        disputes = self.env["collection.dispute"].search([])
        by_state = {dispute.state: dispute for dispute in disputes}
        self.assertEqual(set(by_state), {"open", "rejected"})
        self.assertEqual(
            by_state["open"].move_id,
            self.env.ref("collection_queues.demo_invoice_coastal_property"),
        )
        self.assertEqual(by_state["rejected"].days_to_close, 4)
        harbor = self.env.ref("collection_queues.demo_partner_harbor_dental")
        overdue = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", harbor.id),
                ("move_type", "=", "out_invoice"),
                ("amount_residual", ">", 0),
                ("invoice_date_due", "<", fields.Date.context_today(harbor)),
            ]
        )
        self.assertEqual(
            sorted(overdue.mapped("days_past_due")), [45, 80], "two windows apart"
        )


@tagged("post_install", "-at_install")
class TestDemoYear(TransactionCase):
    """The demo carries a year of history, dated relative to the day it was
    installed: the figures of every screen have something to show."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["collection.queue"])
        cls.customers = (
            cls.env["res.partner"].search(
                [
                    (
                        "id",
                        "in",
                        cls.env.ref("collection_queues.demo_partner_oakridge").ids,
                    ),
                ]
            )
            | cls.env["collection.queue"].search([]).partner_id
        )

    def days_ago(self, value):
        return (self.today - fields.Date.to_date(value)).days

    def test_invoices_every_month_paid_on_time_and_late(self):
        invoices = self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("partner_id.commercial_partner_id", "in", self.customers.ids),
            ]
        )
        for month in range(12):
            self.assertTrue(
                invoices.filtered(
                    lambda invoice, m=month: 30 * m
                    <= self.days_ago(invoice.invoice_date)
                    < 30 * (m + 1)
                ),
                f"no invoice {30 * month}-{30 * (month + 1)} days ago",
            )
        on_time, late = 0, 0
        for invoice in invoices.filtered(lambda i: i.payment_state == "paid"):
            paid_on = max(
                invoice.line_ids.matched_credit_ids.credit_move_id.mapped("date")
            )
            if paid_on <= invoice.invoice_date_due:
                on_time += 1
            else:
                late += 1
        self.assertGreaterEqual(on_time, 12, "paid on time")
        self.assertGreaterEqual(late, 5, "paid late")

    def test_stays_began_and_ended_over_the_year(self):
        Queue = self.env["collection.queue"]
        ended = Queue.search([("state", "=", "closed")])
        self.assertTrue(ended.filtered(lambda e: self.days_ago(e.date_start) > 270))
        self.assertTrue(ended.filtered(lambda e: self.days_ago(e.date_end) > 180))
        self.assertGreaterEqual(
            set(ended.mapped("outcome")), {"paid", "moved", "removed"}
        )
        for entry in ended:
            self.assertLessEqual(entry.date_start, entry.date_end)
        # Each stay's placement is in the history on the day it began.
        for entry in ended | Queue.search([("state", "=", "open")]):
            placed = entry.collection_activity_ids.filtered(
                lambda line: line.activity_type_id.code in ("added", "moved")
            )
            self.assertEqual(placed.date, entry.date_start, entry.display_name)
        paid_off = self.env["collection.stay.report"].search([("outcome", "=", "paid")])
        self.assertGreaterEqual(len(paid_off), 5)
        self.assertTrue(all(stay.amount_collected > 0 for stay in paid_off))

    def test_history_over_the_year(self):
        lines = self.env["collection.activity"].search([])
        self.assertGreater(max(self.days_ago(line.date) for line in lines), 270)
        codes = set(lines.activity_type_id.mapped("code"))
        self.assertGreaterEqual(
            codes,
            {
                "added",
                "moved",
                "removed",
                "status",
                "note",
                "letter",
                "promise",
                "promise_kept",
                "promise_broken",
                "phone_call",
                "left_message",
                "visit",
            },
        )
        letters = lines.filtered(lambda line: line.activity_type_id.code == "letter")
        self.assertGreaterEqual(len(letters), 3)
        self.assertTrue(all(self.days_ago(line.date) > 0 for line in letters))

    def test_promises_kept_and_broken(self):
        promises = self.env["collection.promise"].search([])
        judged = promises.filtered(lambda p: p.state in ("kept", "partial", "broken"))
        self.assertGreaterEqual(set(judged.mapped("state")), {"kept", "broken"})
        for promise in judged:
            self.assertLess(self.days_ago(promise.create_date), 366)
            self.assertGreater(self.days_ago(promise.date_evaluated), 0)
            self.assertLessEqual(promise.create_date.date(), promise.date)
        kept = judged.filtered(lambda p: p.state == "kept")
        self.assertTrue(all(p.amount_paid >= p.amount for p in kept))
        broken = judged.filtered(lambda p: p.state == "broken")
        self.assertTrue(all(p.date_evaluated > p.date_deadline for p in broken))

    def test_followups_due_today_and_late(self):
        entries = self.env["collection.queue"].search([("state", "=", "open")])
        followups = entries.mapped("next_followup_date")
        self.assertIn(self.today, followups)
        self.assertTrue([day for day in followups if day and day < self.today])
        self.assertTrue([day for day in followups if day and day > self.today])
        profiles = self.env["collection.profile"].search([])
        self.assertGreaterEqual(sum(profiles.mapped("followup_due_count")), 3)

    def test_last_quarters_kpis(self):
        """The KPI dashboard opens on the last quarter: its figures are real."""
        dashboard = self.env["collection.kpi.dashboard"].new({})
        self.assertLess(dashboard.date_to, self.today)
        kpis = self.env["collection.kpi"].get_kpis(
            dashboard.date_from, dashboard.date_to
        )
        self.assertGreater(kpis["credit_sales"], 0)
        self.assertGreater(kpis["collected_total"], 0)
        self.assertGreater(kpis["promises_judged"], 0)
        self.assertGreater(kpis["promises_kept"], 0)
        self.assertTrue(kpis["dso"])
        collected = self.env["collection.collected.report"].search(
            [
                ("date", ">=", dashboard.date_from),
                ("date", "<=", dashboard.date_to),
            ]
        )
        self.assertTrue(collected)

    def test_demo_users(self):
        collector = self.env.ref("collection_queues.demo_user_collector")
        legal = self.env.ref("collection_queues.demo_profile_legal")
        self.assertFalse(
            legal.with_user(collector).search([("id", "=", legal.id)]),
            "the collector may not open the legal queue",
        )
        collecteur = self.env.ref("collection_queues.demo_user_collecteur")
        self.assertEqual(collecteur.lang, "fr_FR")
        self.assertIn("fr_FR", dict(self.env["res.lang"].get_installed()))
        self.assertTrue(collecteur.has_group("collection_queues.group_collection_user"))
        self.assertFalse(
            collecteur.has_group("collection_queues.group_collection_manager")
        )
        self.assertEqual(
            self.env.ref("collection_queues.demo_profile_31_60").collector_id,
            collecteur,
        )

    def test_dated_whatever_the_day(self):
        """Nothing of the demo's past is dated in the future, nor more than a
        year and a month back."""
        for entry in self.env["collection.queue"].search([]):
            self.assertGreaterEqual(self.days_ago(entry.date_start), 0)
            self.assertLess(self.days_ago(entry.date_start), 366)
        today_end = fields.Datetime.to_datetime(self.today) + timedelta(days=1)
        self.assertFalse(
            self.env["collection.activity"].search_count([("date", ">=", today_end)])
        )


@tagged("post_install", "-at_install")
class TestDemoInstalledAgain(TransactionCase):
    """Installed again after an uninstall, the demo finds what accounting kept
    of the earlier install's demo (branches, customers, invoices with their
    payments): it reuses them as they are, and does not replay its year on
    books that have it."""

    def test_records_left_behind_are_reused(self):
        Profile = self.env["collection.profile"]
        branch = self.env.ref("collection_queues.demo_branch_san_diego")
        invoice = self.env.ref("collection_queues.demo_invoice_harbor_dental")
        invoice_date = invoice.invoice_date
        moves = self.env["account.move"].search_count([])
        # Written, both would be refused: a branch's parent and a posted invoice.
        Profile._demo_load(
            "res.company",
            {"demo_branch_san_diego": {"name": "Elsewhere", "parent_id": False}},
        )
        Profile._demo_load(
            "account.move",
            {
                "demo_invoice_harbor_dental": {
                    "move_type": "out_invoice",
                    "partner_id": invoice.partner_id.id,
                    "invoice_date": fields.Date.today(),
                }
            },
        )
        self.assertEqual(branch.name, "San Diego")
        self.assertEqual(branch.parent_id, self.env.ref("base.main_company"))
        self.assertEqual(invoice.invoice_date, invoice_date)
        self.assertEqual(self.env["account.move"].search_count([]), moves)

    def test_records_missing_are_made(self):
        self.env["collection.profile"]._demo_load(
            "res.partner", {"demo_partner_new": {"name": "New Customer"}}
        )
        partner = self.env.ref("collection_queues.demo_partner_new")
        self.assertEqual(partner.name, "New Customer")
        self.assertTrue(
            self.env["ir.model.data"].search_count(
                [
                    ("module", "=", "collection_queues"),
                    ("name", "=", "demo_partner_new"),
                    ("noupdate", "=", True),
                ]
            )
        )

    def test_year_not_replayed_on_books_that_have_it(self):
        kept = self.env.ref("collection_queues.demo_invoice_harbor_dental")
        invoice_date = fields.Date.today() - timedelta(days=110)
        made_again = kept.copy({"invoice_date": invoice_date})
        customer = self.env.ref("collection_queues.demo_partner_rosa_alvarez")
        books = self._books(made_again)
        self.env["collection.profile"]._demo_replay_year(
            invoices=[kept.id, made_again.id],
            billing=[
                {
                    "customer": customer.id,
                    "label": "Yearly check",
                    "amount": 100,
                    "days": [200],
                }
            ],
            payments=[(20, kept.id, 100)],
            events=[(10, self.env.uid, customer.id, "remove", {})],
        )
        self.assertEqual(made_again.state, "posted")
        self.assertEqual(made_again.date, invoice_date)
        self.assertEqual(self._books(made_again), books)

    def _books(self, made_again):
        """Entries, payments and history lines, but the invoice made again."""
        return (
            self.env["account.move"].search_count([("id", "!=", made_again.id)]),
            self.env["account.payment"].search_count([]),
            self.env["collection.activity"].search_count([]),
        )
