# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import CollectionCase, days_ago

CHANGE_KEYS = {
    "partner_id",
    "company_id",
    "action",
    "from_profile_id",
    "profile_id",
    "reason",
}


@tagged("post_install", "-at_install")
class TestRefreshTransitions(CollectionCase):
    """What a refresh does to each customer: added, moved, removed, left alone or
    unchanged, and the history it writes (or does not write)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")

    def open_entries(self):
        return self.Queue.search([("state", "=", "open")])

    # ------------------------------------------------------------------
    # Added
    # ------------------------------------------------------------------

    def test_added_by_the_system_with_initial_status_and_reason(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.make_invoice(self.customer, 40, due=days_ago(-5))  # not yet due
        result = self.refresh()
        self.assertCounts(result, added=1)
        entry = self.entry(self.customer)
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.profile_id, self.p_1_30)
        self.assertEqual(entry.company_id, self.company)
        self.assertEqual(entry.state, "open")
        self.assertTrue(entry.date_start)
        self.assertFalse(entry.date_end)
        self.assertFalse(entry.is_manual)
        self.assertFalse(entry.user_id, "placed by the System")
        self.assertEqual(entry.status_id, self.status_late)
        self.assertEqual(self.customer.collection_status_id, self.status_late)
        self.assertEqual(self.customer.collection_queue_id, entry)
        self.assertTrue(self.customer.in_collections)
        self.assertAlmostEqual(entry.amount_past_due, 300)
        self.assertAlmostEqual(entry.amount_due, 340)
        self.assertAlmostEqual(entry.credit_amount, 0)
        self.assertEqual(entry.days_past_due, 10)
        self.assertEqual(
            entry.reason,
            "1 item 1–30 days past due totalling 300.00 > 100.00; priority 10",
        )
        (added,) = self.history(self.customer)
        self.assertEqual(added.activity_type_id.code, "added")
        self.assertFalse(added.user_id, "logged by the System")
        self.assertFalse(added.is_manual)
        self.assertEqual(added.queue_id, entry)
        self.assertEqual(added.profile_id, self.p_1_30)
        self.assertFalse(added.from_profile_id)
        self.assertEqual(added.status_id, self.status_late)
        self.assertFalse(added.old_status_id)
        self.assertEqual(added.company_id, self.company)
        self.assertEqual(html2plaintext(added.note), entry.reason)
        self.assertIn(entry.reason, added.note)

    def test_added_gets_the_initial_status_of_its_profile(self):
        late = self.make_customer("Late payer")
        worse = self.make_customer("Worse payer")
        worst = self.make_customer("Worst payer")
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.make_invoice(late, 300, due=days_ago(45))
        self.make_invoice(worse, 900, due=days_ago(75))
        self.make_invoice(worst, 900, due=days_ago(200))
        self.assertCounts(self.refresh(), added=4)
        expected = {
            self.customer: (self.p_1_30, self.status_late),
            late: (self.p_31_60, self.status_late),
            worse: (self.p_61_90, self.status_call),
            worst: (self.p_91, self.status_hold),
        }
        for partner, (profile, status) in expected.items():
            with self.subTest(partner=partner.name):
                entry = self.entry(partner)
                self.assertEqual(entry.profile_id, profile)
                self.assertEqual(entry.status_id, status)
                self.assertEqual(partner.collection_status_id, status)
                self.assertEqual(self.history(partner, "added").status_id, status)
                self.assertFalse(self.history(partner, "added").old_status_id)

    def test_added_without_initial_status(self):
        self.p_1_30.initial_status_id = False
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.assertCounts(self.refresh(), added=1)
        self.assertTrue(self.customer.in_collections)
        self.assertFalse(self.customer.collection_status_id)

    def test_reason_counts_the_items_in_the_window(self):
        for days in (5, 12, 20):
            self.make_invoice(self.customer, 100, due=days_ago(days))
        self.make_invoice(self.customer, 50, due=days_ago(40))  # outside 1-30
        self.refresh()
        entry = self.entry(self.customer)
        self.assertEqual(
            entry.reason,
            "3 items 1–30 days past due totalling 300.00 > 100.00; priority 10",
        )
        self.assertEqual(html2plaintext(self.history(self.customer).note), entry.reason)

    def test_back_in_collections_gets_the_initial_status_again(self):
        invoice = self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        self.customer.collection_change_status(self.status_hold)
        self.pay(invoice)
        self.assertCounts(self.refresh(), removed=1)
        self.make_invoice(self.customer, 300, due=days_ago(20))
        self.assertCounts(self.refresh(), added=1)
        self.assertEqual(self.customer.collection_status_id, self.status_late)
        self.assertEqual(len(self.history(self.customer, "added")), 2)

    def test_back_in_only_once_the_payment_is_cancelled(self):
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

    # ------------------------------------------------------------------
    # Moved
    # ------------------------------------------------------------------

    def test_moved_up_between_sequenced_profiles(self):
        self.make_invoice(self.customer, 600, due=days_ago(50))
        self.refresh()
        first = self.entry(self.customer)
        self.assertEqual(first.profile_id, self.p_31_60)
        # 20 days later: 70 days past due, the 61-90 window (initial status
        # "Call accounting first", which a move must not apply).
        result = self.refresh(on=days_ago(-20))
        self.assertCounts(result, moved=1)
        second = self.entry(self.customer)
        self.assertEqual(len(second), 1, "one open entry per customer")
        self.assertNotEqual(second, first)
        self.assertEqual(second.profile_id, self.p_61_90)
        self.assertEqual(second.status_id, self.status_late, "the status is kept")
        self.assertEqual(self.customer.collection_status_id, self.status_late)
        self.assertFalse(second.is_manual)
        self.assertFalse(second.user_id)
        self.assertEqual(second.days_past_due, 70)
        self.assertAlmostEqual(second.amount_past_due, 600)
        self.assertEqual(
            second.reason,
            "1 item 61–90 days past due totalling 600.00 > 500.00; priority 30",
        )
        # The first stay is over, kept as history.
        self.assertEqual(first.state, "closed")
        self.assertTrue(first.date_end)
        self.assertGreaterEqual(second.date_start, first.date_end)
        self.assertTrue(first.close_reason)
        self.assertEqual(first.profile_id, self.p_31_60)
        (moved,) = self.history(self.customer, "moved")
        self.assertFalse(moved.user_id, "moved by the System")
        self.assertEqual(moved.from_profile_id, self.p_31_60)
        self.assertEqual(moved.profile_id, self.p_61_90)
        self.assertEqual(moved.queue_id, second)
        self.assertEqual(moved.status_id, self.status_late)
        self.assertEqual(moved.old_status_id, self.status_late)
        self.assertEqual(html2plaintext(moved.note), second.reason)
        self.assertEqual(len(self.history(self.customer)), 2, "added, moved")

    def test_moved_keeps_a_status_set_by_a_user(self):
        self.make_invoice(self.customer, 600, due=days_ago(50))
        self.refresh()
        first = self.entry(self.customer)
        self.assertEqual(first.profile_id, self.p_31_60)
        self.customer.collection_change_status(self.status_hold)
        # 20 days later the items are 70 days past due.
        self.assertCounts(self.refresh(on=days_ago(-20)), moved=1)
        second = self.entry(self.customer)
        self.assertEqual(second.profile_id, self.p_61_90)
        self.assertNotEqual(first, second)
        self.assertEqual(first.state, "closed")
        self.assertTrue(first.date_end)
        self.assertIn("61-90", first.close_reason)
        # Not 61-90's initial status ("Call accounting first").
        self.assertEqual(second.status_id, self.status_hold, "a move keeps the status")
        self.assertEqual(self.customer.collection_status_id, self.status_hold)
        self.assertFalse(self.history(self.customer, "status")[1:], "one change only")
        moved = self.history(self.customer, "moved")
        self.assertEqual(moved.from_profile_id, self.p_31_60)
        self.assertEqual(moved.profile_id, self.p_61_90)
        self.assertEqual(moved.queue_id, second)
        self.assertFalse(moved.user_id)
        self.assertIn("61–90 days past due", moved.note)

    def test_status_only_from_no_queue(self):
        """The initial status applies on entering from no queue; moves never change it."""
        self.make_invoice(self.customer, 600, due=days_ago(50))
        self.refresh()
        self.assertEqual(self.customer.collection_status_id, self.status_late)
        self.refresh(on=days_ago(-50))  # 100 days: 91+ has "Do not dispatch"
        self.assertEqual(self.entry(self.customer).profile_id, self.p_91)
        self.assertEqual(self.customer.collection_status_id, self.status_late)

    def test_moved_down_when_the_oldest_items_are_paid(self):
        old = self.make_invoice(self.customer, 900, due=days_ago(100))
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        self.assertEqual(self.entry(self.customer).profile_id, self.p_91)
        self.assertEqual(self.customer.collection_status_id, self.status_hold)
        self.pay(old)
        self.assertCounts(self.refresh(), moved=1)
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_1_30)
        self.assertEqual(entry.status_id, self.status_hold, "the status is kept")
        moved = self.history(self.customer, "moved")
        self.assertEqual(
            (moved.from_profile_id, moved.profile_id), (self.p_91, self.p_1_30)
        )

    # ------------------------------------------------------------------
    # Removed
    # ------------------------------------------------------------------

    def assertRemoved(self, partner, entry, profile, old_status):
        """The customer left collections: its stay is over, its status cleared,
        and the removal is in its history with a reason."""
        self.assertFalse(self.entry(partner))
        self.assertEqual(entry.state, "closed")
        self.assertTrue(entry.date_end)
        self.assertTrue(entry.close_reason)
        self.assertFalse(partner.in_collections)
        self.assertFalse(partner.collection_queue_id)
        self.assertFalse(partner.collection_status_id, "the status is cleared")
        (removed,) = self.history(partner, "removed")
        self.assertFalse(removed.user_id, "removed by the System")
        self.assertEqual(removed.queue_id, entry)
        self.assertEqual(removed.profile_id, profile, "the queue it was in")
        self.assertEqual(removed.old_status_id, old_status)
        self.assertFalse(removed.status_id)
        self.assertTrue(html2plaintext(removed.note or "").strip(), "a reason")
        return removed

    def test_removed_after_full_payment(self):
        invoice = self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        entry = self.entry(self.customer)
        self.pay(invoice)
        self.assertCounts(self.refresh(), removed=1)
        removed = self.assertRemoved(
            self.customer, entry, self.p_1_30, self.status_late
        )
        self.assertIn("nothing past due", removed.note)

    def test_removed_after_a_full_credit_note(self):
        invoice = self.make_invoice(self.customer, 900, due=days_ago(70))
        self.refresh()
        entry = self.entry(self.customer)
        self.reverse(invoice)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertCounts(self.refresh(), removed=1)
        self.assertRemoved(self.customer, entry, self.p_61_90, self.status_call)

    def test_removed_after_reset_to_draft(self):
        invoice = self.make_invoice(self.customer, 900, due=days_ago(100))
        self.refresh()
        entry = self.entry(self.customer)
        invoice.button_draft()
        self.assertCounts(self.refresh(), removed=1)
        self.assertRemoved(self.customer, entry, self.p_91, self.status_hold)

    def test_removed_after_leaving_the_days_window(self):
        self.p_91.days_past_due_max = 120
        self.make_invoice(self.customer, 900, due=days_ago(110))
        self.refresh()
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_91)
        # 20 days later the item is 130 days past due: outside every window.
        self.assertCounts(self.refresh(on=days_ago(-20)), removed=1)
        self.assertRemoved(self.customer, entry, self.p_91, self.status_hold)

    def test_removed_when_the_amount_falls_to_the_minimum(self):
        invoice = self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        entry = self.entry(self.customer)
        self.pay(invoice, 200)  # 100.00 left: not more than 100.00
        self.assertCounts(self.refresh(), removed=1)
        self.assertRemoved(self.customer, entry, self.p_1_30, self.status_late)

    # ------------------------------------------------------------------
    # Placed by a user, or by the System
    # ------------------------------------------------------------------

    def test_pinned_placement_is_never_moved_or_removed(self):
        invoice = self.make_invoice(self.customer, 900, due=days_ago(95))
        self.customer.collection_put_in_queue(self.p_legal)
        entry = self.entry(self.customer)
        lines = len(self.history(self.customer))
        # It meets 91+, yet stays where the user put it...
        self.assertCounts(self.refresh(), unchanged=1)
        self.assertCounts(self.refresh(partners=self.customer), unchanged=1)
        self.assertEqual(self.entry(self.customer), entry)
        # ...also once paid, when it meets nothing (its figures follow)...
        self.pay(invoice)
        self.assertCounts(self.refresh(), unchanged=1)
        self.assertAlmostEqual(entry.amount_due, 0)
        # ...and whatever the date.
        self.refresh(on=days_ago(-365))
        self.assertEqual(self.entry(self.customer), entry)
        self.assertEqual(entry.state, "open")
        self.assertEqual(self.customer.collection_status_id, self.status_hold)
        self.assertEqual(len(self.history(self.customer)), lines, "nothing logged")
        self.assertFalse(self.history(self.customer, "removed"))

    def test_pinned_without_any_receivable(self):
        self.customer.collection_put_in_queue(self.p_watch)
        entry = self.entry(self.customer)
        self.assertCounts(self.refresh(), unchanged=1)
        self.assertEqual(self.entry(self.customer), entry)

    def test_moved_by_a_user_to_a_queue_that_is_not_sequenced_is_pinned(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        self.customer.collection_move_to_queue(self.p_legal)
        entry = self.entry(self.customer)
        self.refresh(on=days_ago(-100))  # would be 91+ by the rules
        self.assertEqual(self.entry(self.customer), entry)
        self.assertEqual(entry.profile_id, self.p_legal)
        self.assertEqual(len(self.history(self.customer, "moved")), 1)

    def test_system_placement_stays_ruled_when_profile_stops_being_sequenced(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        self.p_1_30.auto_sequence = False
        # Placed by the System, not pinned by a user: the rules still apply.
        self.assertCounts(self.refresh(), removed=1)
        self.assertFalse(self.entry(self.customer))

    def test_user_placement_in_a_sequenced_queue_moves_up(self):
        self.make_invoice(self.customer, 900, due=days_ago(95))
        self.customer.collection_put_in_queue(self.p_1_30)
        placed = self.entry(self.customer)
        self.assertTrue(placed.is_manual)
        self.assertEqual(placed.user_id, self.env.user)
        self.assertCounts(self.refresh(), moved=1)
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_91)
        self.assertFalse(entry.is_manual, "now placed by the rules")
        self.assertFalse(entry.user_id)
        self.assertEqual(entry.status_id, self.status_late, "the status is kept")
        moved = self.history(self.customer, "moved")
        self.assertFalse(moved.user_id)
        self.assertEqual(
            (moved.from_profile_id, moved.profile_id), (self.p_1_30, self.p_91)
        )
        self.assertEqual(placed.state, "closed")

    def test_user_placement_in_a_sequenced_queue_moves_down(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.customer.collection_put_in_queue(self.p_91)
        self.assertEqual(self.customer.collection_status_id, self.status_hold)
        self.assertCounts(self.refresh(), moved=1)
        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)
        self.assertEqual(self.customer.collection_status_id, self.status_hold)

    def test_user_placement_in_a_sequenced_queue_removed_when_meeting_nothing(self):
        self.customer.collection_put_in_queue(self.p_31_60)
        entry = self.entry(self.customer)
        self.assertCounts(self.refresh(), removed=1)
        self.assertRemoved(self.customer, entry, self.p_31_60, self.status_late)

    def test_user_placement_in_a_sequenced_queue_kept_while_met(self):
        self.make_invoice(self.customer, 600, due=days_ago(40))
        self.customer.collection_put_in_queue(self.p_31_60)
        entry = self.entry(self.customer)
        lines = len(self.history(self.customer))
        self.assertCounts(self.refresh(), unchanged=1)
        self.assertEqual(self.entry(self.customer), entry)
        self.assertTrue(entry.is_manual)
        self.assertEqual(entry.user_id, self.env.user)
        self.assertEqual(len(self.history(self.customer)), lines)
        # ...until it meets a higher profile.
        self.assertCounts(self.refresh(on=days_ago(-30)), moved=1)
        self.assertEqual(self.entry(self.customer).profile_id, self.p_61_90)

    # ------------------------------------------------------------------
    # Unchanged
    # ------------------------------------------------------------------

    def test_unchanged_only_updates_the_figures(self):
        invoice = self.make_invoice(self.customer, 900, due=days_ago(95))
        self.refresh()
        entry = self.entry(self.customer)
        self.customer.collection_change_status(self.status_call)
        before = entry.read(
            ["reason", "date_start", "status_id", "is_manual", "user_id", "profile_id"]
        )
        lines = self.history(self.customer)
        self.make_invoice(self.customer, 50, due=days_ago(5))
        self.make_invoice(self.customer, 30, move_type="out_refund", due=days_ago(3))
        self.pay(invoice, 100)
        result = self.refresh(on=days_ago(-3))
        self.assertCounts(result, unchanged=1)
        self.assertEqual(self.entry(self.customer), entry)
        self.assertAlmostEqual(entry.amount_past_due, 800)
        self.assertAlmostEqual(entry.amount_due, 820)  # 800 + 50 - 30
        self.assertAlmostEqual(entry.credit_amount, 30)
        self.assertEqual(entry.days_past_due, 98)
        self.assertEqual(
            entry.read(
                [
                    "reason",
                    "date_start",
                    "status_id",
                    "is_manual",
                    "user_id",
                    "profile_id",
                ]
            ),
            before,
        )
        self.assertEqual(self.history(self.customer), lines, "nothing logged")

    # ------------------------------------------------------------------
    # Twice in a row
    # ------------------------------------------------------------------

    def make_book(self):
        """Customers in every situation a refresh meets; the first refresh places,
        moves and removes them."""
        adding = self.make_customer("Adding")
        moving = self.make_customer("Moving")
        leaving = self.make_customer("Leaving")
        pinned = self.make_customer("Pinned")
        manual = self.make_customer("Manual in a sequenced queue")
        self.make_invoice(adding, 300, due=days_ago(10))
        self.make_invoice(moving, 900, due=days_ago(50))
        paid = self.make_invoice(leaving, 300, due=days_ago(10))
        self.make_invoice(pinned, 900, due=days_ago(95))
        self.make_invoice(manual, 900, due=days_ago(70))
        self.refresh(partners=moving | leaving)
        self.pay(paid)
        pinned.collection_put_in_queue(self.p_legal)
        manual.collection_put_in_queue(self.p_1_30)
        self.assertCounts(
            self.refresh(on=days_ago(-20)), added=1, moved=2, removed=1, unchanged=1
        )
        return adding | moving | leaving | pinned | manual

    def test_second_refresh_changes_and_logs_nothing(self):
        customers = self.make_book()
        open_entries = self.open_entries()
        self.assertEqual(len(open_entries), 4)
        entries = self.row_versions("collection.queue")
        lines = self.row_versions("collection.activity")
        todos = self.env["mail.activity"].search_count([])
        result = self.refresh(on=days_ago(-20))
        self.assertCounts(result, unchanged=4)
        self.assertEqual(result["skipped_companies"], [])
        self.assertEqual(self.row_versions("collection.queue"), entries, "no write")
        self.assertEqual(self.row_versions("collection.activity"), lines, "no log")
        self.assertEqual(self.env["mail.activity"].search_count([]), todos)
        self.assertEqual(self.open_entries(), open_entries)
        # The same for a refresh of these customers only.
        self.assertCounts(
            self.refresh(partners=customers, on=days_ago(-20)), unchanged=4
        )
        self.assertEqual(self.row_versions("collection.queue"), entries)
        self.assertEqual(self.row_versions("collection.activity"), lines)

    def test_second_refresh_rewrites_no_entry_in_any_window(self):
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

    # ------------------------------------------------------------------
    # Dry run
    # ------------------------------------------------------------------

    def test_dry_run_changes_nothing_and_plans_everything(self):
        staying = self.make_customer("Staying")
        moving = self.make_customer("Moving")
        leaving = self.make_customer("Leaving")
        pinned = self.make_customer("Pinned")
        self.make_invoice(staying, 900, due=days_ago(200))
        self.make_invoice(moving, 600, due=days_ago(50))
        paid = self.make_invoice(leaving, 300, due=days_ago(10))
        self.refresh()
        pinned.collection_put_in_queue(self.p_watch)
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.make_invoice(staying, 50, due=days_ago(1))  # figures change
        self.pay(paid)
        entries = self.row_versions("collection.queue")
        lines = self.row_versions("collection.activity")
        statuses = {
            partner: partner.collection_status_id
            for partner in (staying, moving, leaving, pinned)
        }

        result = self.refresh(on=days_ago(-20), dry_run=True)

        self.assertCounts(result, added=1, moved=1, removed=1, unchanged=2)
        self.assertEqual(self.row_versions("collection.queue"), entries)
        self.assertEqual(self.row_versions("collection.activity"), lines)
        self.assertFalse(self.entry(self.customer))
        self.assertEqual(self.entry(leaving).profile_id, self.p_1_30)
        self.assertEqual(self.entry(moving).profile_id, self.p_31_60)
        for partner, status in statuses.items():
            self.assertEqual(partner.collection_status_id, status)
        # The plan: who changes, from where to where, and why.
        changes = self.changes_by_partner(result)
        self.assertEqual(set(changes), {self.customer.id, moving.id, leaving.id})
        for partner_changes in changes.values():
            for change in partner_changes:
                self.assertLessEqual(CHANGE_KEYS, set(change))
                self.assertEqual(change["company_id"], self.company.id)
                self.assertTrue(change["reason"])
        (added,) = changes[self.customer.id]
        self.assertEqual(
            (
                added["partner_id"],
                added["action"],
                added["from_profile_id"],
                added["profile_id"],
            ),
            (self.customer.id, "added", False, self.p_1_30.id),
        )
        self.assertEqual(
            added["reason"],
            "1 item 1–30 days past due totalling 300.00 > 100.00; priority 10",
        )
        (moved,) = changes[moving.id]
        self.assertEqual(
            (
                moved["partner_id"],
                moved["action"],
                moved["from_profile_id"],
                moved["profile_id"],
            ),
            (moving.id, "moved", self.p_31_60.id, self.p_61_90.id),
        )
        self.assertIn("61–90 days past due", moved["reason"])
        (removed,) = changes[leaving.id]
        self.assertEqual(
            (
                removed["partner_id"],
                removed["action"],
                removed["from_profile_id"],
                removed["profile_id"],
            ),
            (leaving.id, "removed", self.p_1_30.id, False),
        )

        # Applied for real, the refresh does what was planned.
        self.assertCounts(
            self.refresh(on=days_ago(-20)), added=1, moved=1, removed=1, unchanged=2
        )
        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)
        self.assertEqual(self.entry(moving).profile_id, self.p_61_90)
        self.assertFalse(self.entry(leaving))

    def test_dry_run_with_nothing_to_do(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        result = self.refresh(dry_run=True)
        self.assertCounts(result, unchanged=1)
        self.assertEqual(result["changes"], [])

    def test_dry_run_of_a_first_refresh_creates_nothing(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        result = self.refresh(dry_run=True)
        self.assertCounts(result, added=1)
        self.assertFalse(self.Queue.search_count([]))
        self.assertFalse(self.Activity.with_context(active_test=False).search_count([]))
        self.assertFalse(self.customer.in_collections)

    # ------------------------------------------------------------------
    # Some customers only
    # ------------------------------------------------------------------

    def test_partners_subset_touches_only_them(self):
        paying = self.make_customer("Paying")
        aging = self.make_customer("Aging")
        newcomer = self.make_customer("Newcomer")
        paid = self.make_invoice(paying, 300, due=days_ago(10))
        self.make_invoice(aging, 600, due=days_ago(50))
        self.refresh()
        aging_entry = self.entry(aging)
        self.make_invoice(newcomer, 300, due=days_ago(10))
        self.make_invoice(aging, 700, due=days_ago(1))
        self.pay(paid)
        entries = self.row_versions(
            "collection.queue", [("partner_id", "!=", paying.id)]
        )
        lines = self.row_versions("collection.activity")

        result = self.refresh(partners=paying, on=days_ago(-20))

        self.assertCounts(result, removed=1)
        self.assertFalse(self.entry(paying))
        # The others are as they were: not added, moved, nor even updated.
        self.assertFalse(self.entry(newcomer))
        self.assertEqual(self.entry(aging), aging_entry)
        self.assertEqual(
            self.row_versions("collection.queue", [("partner_id", "!=", paying.id)]),
            entries,
        )
        new_lines = self.Activity.search([("id", "not in", list(lines))], order="id")
        self.assertEqual(new_lines.partner_id, paying)
        self.assertEqual(new_lines.activity_type_id.code, "removed")
        # Ids and contacts, as RPC callers pass them.
        contact = self.env["res.partner"].create(
            {"name": "Jo Accounts", "parent_id": newcomer.id}
        )
        self.assertCounts(
            self.refresh(partners=contact.ids, on=days_ago(-20)), unchanged=0, added=1
        )
        self.assertEqual(self.entry(newcomer).profile_id, self.p_1_30)
        self.assertEqual(self.entry(aging), aging_entry)

    def test_partners_subset_adds_only_them(self):
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

    def test_empty_partners_touch_nobody(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        result = self.refresh(partners=self.env["res.partner"])
        self.assertCounts(result)
        self.assertFalse(self.entry(self.customer))
        self.assertCounts(self.refresh(partners=[]))
        self.assertFalse(self.entry(self.customer))


@tagged("post_install", "-at_install")
class TestRefreshCompanies(CollectionCase):
    """A customer shared by two companies is planned and placed in each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.env.user.company_ids |= cls.company_b
        cls.mine = cls.make_profile("Mine", 10, (1, 0), 100)
        cls.theirs = cls.make_profile("Theirs", 10, (1, 0), 100, company=cls.company_b)
        cls.customer = cls.make_customer("Shared Customer")
        cls.make_invoice(cls.customer, 300, due=days_ago(10))
        cls.make_invoice(cls.customer, 300, due=days_ago(10), company=cls.company_b)

    def refresh_both(self, **kwargs):
        return self.Profile.with_context(
            allowed_company_ids=(self.company | self.company_b).ids
        ).refresh_queues(date=days_ago(0), **kwargs)

    def test_dry_run_lists_a_change_per_company(self):
        result = self.refresh_both(dry_run=True)
        self.assertCounts(result, added=2)
        changes = self.changes_by_partner(result)[self.customer.id]
        self.assertEqual(
            sorted((c["company_id"], c["profile_id"], c["action"]) for c in changes),
            sorted(
                [
                    (self.company.id, self.mine.id, "added"),
                    (self.company_b.id, self.theirs.id, "added"),
                ]
            ),
        )
        self.assertFalse(
            self.Queue.sudo().search_count([("partner_id", "=", self.customer.id)])
        )
        self.assertCounts(self.refresh_both(), added=2)
        self.assertCounts(self.refresh_both(), unchanged=2)

    def test_partners_subset_in_each_company(self):
        other = self.make_customer("Other")
        self.make_invoice(other, 300, due=days_ago(10), company=self.company_b)
        self.assertCounts(self.refresh_both(partners=self.customer), added=2)
        self.assertFalse(self.entry(other, self.company_b))
