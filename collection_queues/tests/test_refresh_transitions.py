# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import CollectionCase, days_ago


@tagged("post_install", "-at_install")
class TestRefreshTransitions(CollectionCase):
    """What a refresh does to a customer: added, moved, removed, unchanged, and the
    history it writes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")

    def test_added_by_the_system_with_initial_status_and_reason(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        result = self.refresh()
        self.assertCounts(result, added=1)
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_1_30)
        self.assertEqual(entry.state, "open")
        self.assertFalse(entry.is_manual)
        self.assertFalse(entry.user_id, "placed by the System")
        self.assertEqual(entry.status_id, self.status_late)
        self.assertEqual(self.customer.collection_status_id, self.status_late)
        self.assertEqual(self.customer.collection_queue_id, entry)
        self.assertTrue(self.customer.in_collections)
        self.assertEqual(
            entry.reason,
            "1 item 1–30 days past due totalling 300.00 > 100.00; priority 10",
        )
        (added,) = self.history(self.customer)
        self.assertEqual(added.activity_type_id.code, "added")
        self.assertFalse(added.user_id)
        self.assertEqual(added.queue_id, entry)
        self.assertEqual(added.profile_id, self.p_1_30)
        self.assertEqual(added.status_id, self.status_late)
        self.assertFalse(added.old_status_id)
        self.assertIn(entry.reason, added.note)

    def test_moved_keeps_the_status(self):
        self.make_invoice(self.customer, 600, due=days_ago(50))
        self.refresh()
        first = self.entry(self.customer)
        self.assertEqual(first.profile_id, self.p_31_60)
        self.customer.collection_change_status(self.status_call)
        # 20 days later the items are 70 days past due.
        result = self.refresh(on=days_ago(-20))
        self.assertCounts(result, moved=1)
        second = self.entry(self.customer)
        self.assertEqual(second.profile_id, self.p_61_90)
        self.assertNotEqual(first, second)
        self.assertEqual(first.state, "closed")
        self.assertTrue(first.date_end)
        self.assertIn("61-90", first.close_reason)
        self.assertEqual(second.status_id, self.status_call, "a move keeps the status")
        moved = self.history(self.customer, "moved")
        self.assertEqual(moved.from_profile_id, self.p_31_60)
        self.assertEqual(moved.profile_id, self.p_61_90)
        self.assertEqual(moved.queue_id, second)
        self.assertFalse(moved.user_id)
        self.assertIn("61–90 days past due", moved.note)

    def test_removed_when_paid_clears_the_status(self):
        invoice = self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        entry = self.entry(self.customer)
        self.pay(invoice)
        result = self.refresh()
        self.assertCounts(result, removed=1)
        self.assertFalse(self.entry(self.customer))
        self.assertEqual(entry.state, "closed")
        self.assertFalse(self.customer.collection_status_id)
        self.assertFalse(self.customer.in_collections)
        removed = self.history(self.customer, "removed")
        self.assertEqual(removed.queue_id, entry)
        self.assertEqual(removed.profile_id, self.p_1_30, "the queue it was in")
        self.assertEqual(removed.old_status_id, self.status_late)
        self.assertFalse(removed.status_id)
        self.assertIn("nothing past due", removed.note)

    def test_removed_after_credit_note(self):
        invoice = self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        self.reverse(invoice)
        self.assertCounts(self.refresh(), removed=1)

    def test_removed_after_reset_to_draft(self):
        invoice = self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        invoice.button_draft()
        self.assertCounts(self.refresh(), removed=1)

    def test_removed_when_leaving_every_window(self):
        limited = self.make_customer("Limited")
        self.p_91.days_past_due_max = 120
        self.make_invoice(limited, 900, due=days_ago(110))
        self.refresh()
        self.assertEqual(self.entry(limited).profile_id, self.p_91)
        self.assertCounts(self.refresh(on=days_ago(-20)), removed=1)

    def test_back_in_after_removal(self):
        invoice = self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        payment = self.pay(invoice)
        self.refresh()
        # Unreconciled, the payment is a credit as large as the invoice: the
        # customer owes nothing and stays out...
        payment.move_id.line_ids.remove_move_reconcile()
        self.assertCounts(self.refresh())
        # ...until the payment is cancelled: owing again, back in.
        payment.action_draft()
        self.assertCounts(self.refresh(), added=1)
        self.assertEqual(len(self.history(self.customer, "added")), 2)
        self.assertEqual(
            self.Queue.search_count([("partner_id", "=", self.customer.id)]), 2
        )

    def test_unchanged_updates_figures_only(self):
        invoice = self.make_invoice(self.customer, 900, due=days_ago(95))
        self.refresh()
        entry = self.entry(self.customer)
        self.make_invoice(self.customer, 50, due=days_ago(5))
        self.pay(invoice, 100)
        lines = len(self.history(self.customer))
        result = self.refresh(on=days_ago(-3))
        self.assertCounts(result, unchanged=1)
        self.assertEqual(self.entry(self.customer), entry)
        self.assertAlmostEqual(entry.amount_past_due, 800)
        self.assertAlmostEqual(entry.amount_due, 850)
        self.assertEqual(entry.days_past_due, 98)
        self.assertEqual(len(self.history(self.customer)), lines, "nothing logged")

    def test_second_refresh_changes_and_logs_nothing(self):
        others = [self.make_customer(f"Other {n}") for n in range(3)]
        self.make_invoice(self.customer, 300, due=days_ago(10))
        for days, other in zip((40, 70, 120), others, strict=True):
            self.make_invoice(other, 900, due=days_ago(days))
        self.assertCounts(self.refresh(), added=4)
        self.env.flush_all()
        entries = self.Queue.search(
            [("partner_id", "in", [p.id for p in [self.customer, *others]])]
        )
        before = {entry: (entry.write_date, entry.reason) for entry in entries}
        lines = self.Activity.search_count([])
        self.assertCounts(self.refresh(), unchanged=4)
        self.env.invalidate_all()
        self.assertEqual(
            {entry: (entry.write_date, entry.reason) for entry in entries}, before
        )
        self.assertEqual(self.Activity.search_count([]), lines)

    def test_dry_run_plans_and_changes_nothing(self):
        moving = self.make_customer("Moving")
        leaving = self.make_customer("Leaving")
        self.make_invoice(moving, 600, due=days_ago(50))
        paid = self.make_invoice(leaving, 300, due=days_ago(10))
        self.refresh()
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.pay(paid)
        entries = self.Queue.search([])
        lines = self.Activity.search_count([])
        result = self.refresh(on=days_ago(-20), dry_run=True)
        self.assertCounts(result, added=1, moved=1, removed=1)
        self.assertEqual(self.Queue.search([]), entries)
        self.assertEqual(self.Activity.search_count([]), lines)
        self.assertFalse(self.entry(self.customer))
        changes = self.changes_by_partner(result)
        self.assertEqual(set(changes), {self.customer.id, moving.id, leaving.id})
        (added,) = changes[self.customer.id]
        self.assertEqual(added["action"], "added")
        self.assertEqual(added["profile_id"], self.p_1_30.id)
        self.assertFalse(added["from_profile_id"])
        self.assertEqual(added["company_id"], self.company.id)
        self.assertIn("1–30 days past due", added["reason"])
        (moved,) = changes[moving.id]
        self.assertEqual(
            (moved["action"], moved["from_profile_id"], moved["profile_id"]),
            ("moved", self.p_31_60.id, self.p_61_90.id),
        )
        (removed,) = changes[leaving.id]
        self.assertEqual((removed["action"], removed["profile_id"]), ("removed", False))
        # Applying it for real does what was planned.
        self.assertCounts(self.refresh(on=days_ago(-20)), added=1, moved=1, removed=1)

    def test_partners_limit_the_refresh(self):
        other = self.make_customer("Other")
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.make_invoice(other, 300, due=days_ago(10))
        self.assertCounts(self.refresh(partners=other), added=1)
        self.assertFalse(self.entry(self.customer))
        self.assertTrue(self.entry(other))
        # Ids (as RPC passes them) and contacts work too.
        contact = self.env["res.partner"].create(
            {"name": "Jo", "parent_id": self.customer.id}
        )
        self.assertCounts(self.refresh(partners=contact.ids), added=1)
        self.assertTrue(self.entry(self.customer))

    def test_pinned_placement_is_left_alone(self):
        invoice = self.make_invoice(self.customer, 900, due=days_ago(95))
        self.customer.collection_put_in_queue(self.p_legal)
        self.assertCounts(self.refresh(), unchanged=1)
        self.assertEqual(self.entry(self.customer).profile_id, self.p_legal)
        self.pay(invoice)
        self.assertCounts(self.refresh(), unchanged=1)
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_legal, "paid, but pinned")
        self.assertAlmostEqual(entry.amount_due, 0)
        self.assertFalse(self.history(self.customer, "removed"))

    def test_manual_placement_in_a_sequenced_queue_is_reevaluated(self):
        self.make_invoice(self.customer, 900, due=days_ago(95))
        self.customer.collection_put_in_queue(self.p_1_30)
        entry = self.entry(self.customer)
        self.assertTrue(entry.is_manual)
        self.assertCounts(self.refresh(), moved=1)
        self.assertEqual(self.entry(self.customer).profile_id, self.p_91)
        # ...and removed when it meets nothing.
        nobody = self.make_customer("Nobody")
        nobody.collection_put_in_queue(self.p_1_30)
        self.assertCounts(self.refresh(partners=nobody), removed=1)
        self.assertFalse(self.entry(nobody))

    def test_manual_placement_kept_when_still_meeting_it(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.customer.collection_put_in_queue(self.p_1_30)
        entry = self.entry(self.customer)
        self.assertCounts(self.refresh(), unchanged=1)
        self.assertEqual(self.entry(self.customer), entry)

    def test_status_only_from_no_queue(self):
        """The initial status applies on entering from no queue; moves never change it."""
        self.make_invoice(self.customer, 600, due=days_ago(50))
        self.refresh()
        self.assertEqual(self.customer.collection_status_id, self.status_late)
        self.refresh(on=days_ago(-50))  # 100 days: 91+ has "Do not dispatch"
        self.assertEqual(self.entry(self.customer).profile_id, self.p_91)
        self.assertEqual(self.customer.collection_status_id, self.status_late)

    def test_system_placement_stays_ruled_when_profile_stops_being_sequenced(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        self.p_1_30.auto_sequence = False
        # Placed by the System, not pinned by a user: the rules still apply.
        self.assertCounts(self.refresh(), removed=1)
        self.assertFalse(self.entry(self.customer))
