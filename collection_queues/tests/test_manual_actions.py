# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import CollectionCase, days_ago, real_days_ago

COLLECTION_USER = "collection_queues.group_collection_user"


def followup_todos(entries):
    """The follow-up To-Dos scheduled on queue entries."""
    return entries.env["mail.activity"].search(
        [("res_model", "=", "collection.queue"), ("res_id", "in", entries.ids)]
    )


@tagged("post_install", "-at_install")
class TestManualActions(CollectionCase):
    """What a user does to customers from the partner: put in a queue, move,
    remove, change the status, log an event; each only when its rule allows.
    The entries change through these actions only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.other = cls.make_customer("Bolt Electric")
        cls.third = cls.make_customer("Cobalt Roofing")
        cls.collector = cls.make_user("carla", COLLECTION_USER, name="Carla Collector")
        cls.todo_type = cls.env.ref("mail.mail_activity_data_todo")

    def lines(self, partners, code):
        """The history lines of type ``code`` of several customers."""
        return self.Activity.search(
            [("partner_id", "in", partners.ids), ("activity_type_id.code", "=", code)]
        )

    def in_sequenced_queue(self, partner):
        """The customer placed by the rules in 1-30."""
        self.make_invoice(partner, 300, due=days_ago(10))
        self.refresh(partners=partner)
        self.assertEqual(self.entry(partner).profile_id, self.p_1_30)
        return self.entry(partner)

    # ------------------------------------------------------------------
    # Put in queue
    # ------------------------------------------------------------------

    def test_put_in_a_queue_that_is_not_sequenced(self):
        self.make_invoice(self.customer, 250, due=days_ago(70))
        entries = self.Queue.browse(self.customer.collection_put_in_queue(self.p_legal))
        entry = self.entry(self.customer)
        self.assertEqual(entries, entry)
        self.assertEqual(entry.profile_id, self.p_legal)
        self.assertEqual(entry.state, "open")
        self.assertTrue(entry.is_manual)
        self.assertEqual(entry.user_id, self.env.user, "placed by the user")
        self.assertEqual(entry.status_id, self.status_hold, "the initial status")
        self.assertEqual(self.customer.collection_status_id, self.status_hold)
        self.assertTrue(entry.reason)
        self.assertAlmostEqual(entry.amount_due, 250)
        self.assertEqual(entry.last_activity_date, fields.Date.today())
        (added,) = self.history(self.customer)
        self.assertEqual(added.activity_type_id.code, "added")
        self.assertEqual(added.user_id, self.env.user)
        self.assertEqual(added.queue_id, entry)
        self.assertEqual(added.profile_id, self.p_legal)
        self.assertEqual(added.status_id, self.status_hold)
        self.assertFalse(added.old_status_id)

    def test_put_in_any_profile_even_one_not_met(self):
        # Nothing due at all, yet a user may put the customer in a sequenced queue.
        self.customer.collection_put_in_queue(self.p_61_90)
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_61_90)
        self.assertEqual(entry.status_id, self.status_call)
        self.assertTrue(entry.is_manual)

    def test_put_in_any_profile_fills_the_amounts(self):
        self.make_invoice(self.customer, 250, due=days_ago(70))
        self.make_invoice(self.customer, 80, due=days_ago(-10))
        self.customer.collection_put_in_queue(self.p_91)
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_91)
        self.assertAlmostEqual(entry.amount_due, 330)
        self.assertEqual(entry.days_past_due, (fields.Date.today() - days_ago(70)).days)

    def test_put_in_a_profile_without_initial_status(self):
        self.customer.collection_put_in_queue(self.p_watch)
        self.assertTrue(self.customer.in_collections)
        self.assertFalse(self.customer.collection_status_id)

    def test_put_a_contact_places_its_company(self):
        contact = self.env["res.partner"].create(
            {"name": "Jo Accounts", "parent_id": self.customer.id}
        )
        contact.collection_put_in_queue(self.p_watch)
        self.assertEqual(self.entry(self.customer).partner_id, self.customer)
        self.assertTrue(contact.in_collections)

    def test_put_only_customers_in_no_queue(self):
        self.in_sequenced_queue(self.customer)
        self.other.collection_put_in_queue(self.p_watch)
        for partner in (self.customer, self.other):
            with (
                self.subTest(partner=partner.name),
                self.assertRefused(UserError, "Already in a collection queue"),
            ):
                partner.collection_put_in_queue(self.p_legal)
        # In bulk, one customer already in a queue refuses the whole action.
        with self.assertRefused(UserError, "Already in a collection queue"):
            (self.third | self.other).collection_put_in_queue(self.p_legal)
        self.assertFalse(self.entry(self.third), "nothing done for anyone")
        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)
        self.assertEqual(self.entry(self.other).profile_id, self.p_watch)
        self.assertEqual(len(self.history(self.other)), 1)

    def test_put_in_a_closed_queue_is_refused(self):
        self.p_watch.action_archive()
        with self.assertRefused(UserError, "closed"):
            self.customer.collection_put_in_queue(self.p_watch)
        self.assertFalse(self.entry(self.customer))

    # ------------------------------------------------------------------
    # Move
    # ------------------------------------------------------------------

    def test_move_from_a_sequenced_queue_keeps_the_status(self):
        old = self.in_sequenced_queue(self.customer)
        self.customer.collection_change_status(self.status_call)
        new = self.Queue.browse(self.customer.collection_move_to_queue(self.p_legal))
        self.assertEqual(new, self.entry(self.customer))
        self.assertEqual(new.profile_id, self.p_legal)
        # Legal's initial status is "Do not dispatch": a move does not apply it.
        self.assertEqual(new.status_id, self.status_call, "the status is kept")
        self.assertEqual(self.customer.collection_status_id, self.status_call)
        self.assertTrue(new.is_manual)
        self.assertEqual(new.user_id, self.env.user)
        self.assertEqual(old.state, "closed")
        self.assertTrue(old.date_end)
        (moved,) = self.history(self.customer, "moved")
        self.assertEqual(moved.user_id, self.env.user)
        self.assertEqual(moved.from_profile_id, self.p_1_30)
        self.assertEqual(moved.profile_id, self.p_legal)
        self.assertEqual(moved.queue_id, new)
        self.assertEqual(moved.status_id, self.status_call)

    def test_move_between_queues_that_are_not_sequenced(self):
        self.customer.collection_put_in_queue(self.p_legal)
        self.customer.collection_move_to_queue(self.p_watch)
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_watch)
        self.assertEqual(entry.status_id, self.status_hold)
        moved = self.history(self.customer, "moved")
        self.assertEqual(
            (moved.from_profile_id, moved.profile_id), (self.p_legal, self.p_watch)
        )

    def test_move_to_a_sequenced_queue_is_refused(self):
        entry = self.in_sequenced_queue(self.customer)
        self.other.collection_put_in_queue(self.p_legal)
        for partner in (self.customer, self.other):  # from sequenced and not
            with (
                self.subTest(partner=partner.name),
                self.assertRefused(UserError, "sequenced"),
            ):
                partner.collection_move_to_queue(self.p_91)
        self.assertEqual(self.entry(self.customer), entry)
        self.assertEqual(self.entry(self.other).profile_id, self.p_legal)
        self.assertFalse(self.history(self.customer, "moved"))
        self.assertFalse(self.history(self.other, "moved"))

    def test_move_needs_a_queue(self):
        with self.assertRefused(UserError, "Not in a collection queue"):
            self.customer.collection_move_to_queue(self.p_legal)
        self.assertFalse(self.entry(self.customer))

    def test_move_to_a_closed_queue_is_refused(self):
        self.customer.collection_put_in_queue(self.p_watch)
        self.p_legal.action_archive()
        with self.assertRefused(UserError, "closed"):
            self.customer.collection_move_to_queue(self.p_legal)
        self.assertEqual(self.entry(self.customer).profile_id, self.p_watch)

    def test_move_to_the_same_queue_is_refused(self):
        self.customer.collection_put_in_queue(self.p_legal)
        with self.assertRaises(UserError):
            self.customer.collection_move_to_queue(self.p_legal)
        self.assertFalse(self.history(self.customer, "moved"))

    # ------------------------------------------------------------------
    # Remove
    # ------------------------------------------------------------------

    def test_remove_from_a_queue_that_is_not_sequenced(self):
        self.customer.collection_put_in_queue(self.p_legal)
        entry = self.entry(self.customer)
        self.assertTrue(self.customer.collection_remove_from_queue())
        self.assertFalse(self.entry(self.customer))
        self.assertFalse(self.customer.in_collections)
        self.assertFalse(self.customer.collection_status_id, "the status is cleared")
        self.assertEqual(entry.state, "closed")
        self.assertTrue(entry.date_end)
        (removed,) = self.history(self.customer, "removed")
        self.assertEqual(removed.user_id, self.env.user)
        self.assertEqual(removed.queue_id, entry)
        self.assertEqual(removed.profile_id, self.p_legal)
        self.assertEqual(removed.old_status_id, self.status_hold)
        self.assertFalse(removed.status_id)

    def test_remove_from_a_sequenced_queue_is_refused(self):
        entry = self.in_sequenced_queue(self.customer)
        with self.assertRefused(
            UserError, "move them to a queue that is not sequenced"
        ):
            self.customer.collection_remove_from_queue()
        # Placed there by a user: refused all the same.
        self.other.collection_put_in_queue(self.p_31_60)
        with self.assertRefused(
            UserError, "move them to a queue that is not sequenced"
        ):
            self.other.collection_remove_from_queue()
        self.assertEqual(self.entry(self.customer), entry)
        self.assertEqual(entry.state, "open")
        self.assertEqual(self.customer.collection_status_id, self.status_late)
        self.assertTrue(self.entry(self.other))
        self.assertFalse(self.history(self.customer, "removed"))

    def test_remove_then_the_rules_put_back(self):
        self.in_sequenced_queue(self.customer)
        self.customer.collection_move_to_queue(self.p_watch)
        self.customer.collection_remove_from_queue()
        self.assertFalse(self.entry(self.customer))
        self.assertCounts(self.refresh(partners=self.customer), added=1)
        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)
        self.assertFalse(self.history(self.customer, "added")[0].user_id)

    def test_remove_needs_a_queue(self):
        with self.assertRefused(UserError, "Not in a collection queue"):
            self.customer.collection_remove_from_queue()

    # ------------------------------------------------------------------
    # Change status
    # ------------------------------------------------------------------

    def test_change_status_only_while_in_a_queue(self):
        with self.assertRefused(UserError, "Not in a collection queue"):
            self.customer.collection_change_status(self.status_call)
        self.assertFalse(self.history(self.customer))

    def test_change_status(self):
        entry = self.in_sequenced_queue(self.customer)
        self.assertTrue(
            self.customer.collection_change_status(
                self.status_call, note="Owner asked us to call accounting"
            )
        )
        self.assertEqual(entry.status_id, self.status_call)
        self.assertEqual(self.customer.collection_status_id, self.status_call)
        (line,) = self.history(self.customer, "status")
        self.assertEqual(line.user_id, self.env.user)
        self.assertEqual(line.old_status_id, self.status_late)
        self.assertEqual(line.status_id, self.status_call)
        self.assertEqual(line.queue_id, entry)
        self.assertEqual(line.profile_id, self.p_1_30)
        self.assertIn("Owner asked us to call accounting", line.note)
        self.assertEqual(entry.last_activity_date, fields.Date.context_today(entry))
        # Without a note.
        self.customer.collection_change_status(self.status_hold)
        line = self.history(self.customer, "status")[0]
        self.assertEqual(
            (line.old_status_id, line.status_id), (self.status_call, self.status_hold)
        )
        self.assertFalse(html2plaintext(line.note or "").strip())

    def test_change_status_from_no_status_and_never_to_the_same(self):
        with self.assertRefused(UserError, "Not in a collection queue"):
            self.customer.collection_change_status(self.status_call)
        self.customer.collection_put_in_queue(self.p_watch)
        self.customer.collection_change_status(
            self.status_call, note="Spoke to the owner"
        )
        self.assertEqual(self.customer.collection_status_id, self.status_call)
        line = self.history(self.customer, "status")
        self.assertFalse(line.old_status_id)
        self.assertEqual(line.status_id, self.status_call)
        self.assertIn("Spoke to the owner", line.note)
        with self.assertRefused(UserError, "already"):
            self.customer.collection_change_status(self.status_call)
        self.customer.collection_change_status(self.status_hold)
        line = self.history(self.customer, "status")[0]
        self.assertEqual(
            (line.old_status_id, line.status_id), (self.status_call, self.status_hold)
        )

    # ------------------------------------------------------------------
    # Log an event or a note
    # ------------------------------------------------------------------

    def test_log_only_while_in_a_queue(self):
        with self.assertRefused(UserError, "Not in a collection queue"):
            self.customer.collection_log(self.type_call, "No answer")
        self.assertFalse(self.history(self.customer))

    def test_log_an_event(self):
        entry = self.in_sequenced_queue(self.customer)
        line = self.Activity.browse(
            self.customer.collection_log(self.type_call, "No answer")
        )
        self.assertEqual(line, self.history(self.customer, self.type_call.code))
        self.assertEqual(line.user_id, self.env.user)
        self.assertEqual(line.queue_id, entry)
        self.assertEqual(line.profile_id, self.p_1_30)
        self.assertEqual(line.status_id, self.status_late, "the status unchanged")
        self.assertFalse(line.followup_date)
        self.assertIn("No answer", line.note)
        self.assertEqual(entry.status_id, self.status_late)
        self.assertEqual(entry.last_activity_date, fields.Date.context_today(entry))
        self.assertFalse(entry.next_followup_date)
        self.assertFalse(followup_todos(entry), "no follow-up, no To-Do")
        self.assertFalse(self.history(self.customer, "status"))

    def test_log_with_followup_schedules_a_todo_for_the_collector(self):
        self.p_legal.collector_id = self.collector
        self.customer.collection_put_in_queue(self.p_legal)
        entry = self.entry(self.customer)
        self.assertEqual(entry.collector_id, self.collector)
        followup = days_ago(-7)
        line = self.Activity.browse(
            self.customer.collection_log(
                self.type_call, "Promised to pay Friday", followup_date=followup
            )
        )
        self.assertEqual(line.followup_date, followup)
        self.assertEqual(entry.next_followup_date, followup)
        todo = followup_todos(entry)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.res_model, "collection.queue")
        self.assertEqual(todo.res_id, entry.id)
        self.assertEqual(todo.activity_type_id, self.todo_type)
        self.assertEqual(todo.user_id, self.collector)
        self.assertEqual(todo.date_deadline, followup)
        # It shows among the collector's own activities.
        self.assertIn(
            todo,
            self.env["mail.activity"].search([("user_id", "=", self.collector.id)]),
        )

    def test_log_with_followup_without_collector_is_for_the_user(self):
        self.customer.collection_put_in_queue(self.p_watch)
        entry = self.entry(self.customer)
        self.assertFalse(entry.collector_id)
        self.customer.with_user(self.collector).collection_log(
            self.type_call, followup_date=days_ago(-3)
        )
        todo = followup_todos(entry)
        self.assertEqual(todo.user_id, self.collector, "the acting user")
        self.assertEqual(todo.date_deadline, days_ago(-3))
        self.assertEqual(entry.next_followup_date, days_ago(-3))

    def test_log_an_event_with_followup_and_status(self):
        with self.assertRefused(UserError, "Not in a collection queue"):
            self.customer.collection_log(self.type_call, "No answer")
        self.customer.collection_put_in_queue(self.p_watch)
        entry = self.entry(self.customer)
        # The collector of this entry, not of its profile.
        entry.sudo().collector_id = self.collector
        followup = days_ago(-7)
        lines = self.Activity.browse(
            self.customer.collection_log(
                self.type_call,
                "Promised to pay Friday",
                followup_date=followup,
                status=self.status_call,
            )
        )
        self.assertEqual(lines.activity_type_id, self.type_call)
        self.assertEqual(lines.followup_date, followup)
        self.assertEqual(lines.user_id, self.env.user)
        self.assertTrue(lines.is_manual)
        self.assertIn("Promised to pay Friday", lines.note)
        self.assertEqual(entry.next_followup_date, followup)
        self.assertEqual(self.customer.collection_status_id, self.status_call)
        self.assertEqual(
            self.history(self.customer, "status").status_id, self.status_call
        )
        todo = followup_todos(entry)
        self.assertEqual(todo.user_id, self.collector)
        self.assertEqual(todo.date_deadline, followup)
        self.assertEqual(todo.activity_type_id, self.todo_type)

    def test_followups_move_with_the_customer(self):
        self.customer.collection_put_in_queue(self.p_watch)
        self.customer.collection_log(self.type_call, followup_date=days_ago(-3))
        old = self.entry(self.customer)
        self.customer.collection_move_to_queue(self.p_legal)
        new = self.entry(self.customer)
        self.assertEqual(new.next_followup_date, days_ago(-3))
        self.assertEqual(new.activity_ids.date_deadline, days_ago(-3))
        self.assertFalse(old.activity_ids)
        self.customer.collection_remove_from_queue()
        self.assertFalse(new.activity_ids, "follow-ups end with the stay")

    def test_log_with_a_status_changes_it(self):
        entry = self.in_sequenced_queue(self.customer)
        line = self.Activity.browse(
            self.customer.collection_log(
                self.type_call, "Disputes the invoice", status=self.status_hold
            )
        )
        self.assertEqual(line.status_id, self.status_hold)
        self.assertEqual(entry.status_id, self.status_hold)
        self.assertEqual(self.customer.collection_status_id, self.status_hold)
        (status_line,) = self.history(self.customer, "status")
        self.assertEqual(status_line.old_status_id, self.status_late)
        self.assertEqual(status_line.status_id, self.status_hold)
        self.assertEqual(status_line.user_id, self.env.user)
        self.assertEqual(status_line.queue_id, entry)
        # The same status again: nothing to change, nothing more logged.
        self.customer.collection_log(self.type_call, status=self.status_hold)
        self.assertEqual(len(self.history(self.customer, "status")), 1)

    def test_log_a_collection_note(self):
        self.customer.collection_put_in_queue(self.p_watch)
        note_type = self.env.ref("collection_queues.activity_type_note")
        line = self.Activity.browse(
            self.customer.collection_log(note_type, "Owner travels until May")
        )
        self.assertEqual(line.activity_type_id.code, "note")
        self.assertIn("Owner travels until May", line.note)

    def test_a_logged_note_is_sanitised(self):
        self.customer.collection_put_in_queue(self.p_watch)
        note_type = self.env.ref("collection_queues.activity_type_note")
        self.customer.collection_log(
            note_type, "<p>Owner travels until May</p><script>x</script>"
        )
        line = self.history(self.customer, "note")
        self.assertIn("Owner travels until May", line.note)
        self.assertNotIn("<script>", line.note)

    def test_notes_and_promises_keep_their_percent_signs(self):
        """Written in bulk, texts are stored as typed: "50%" stays "50%"."""
        self.customer.collection_put_in_queue(self.p_watch)
        note_type = self.env.ref("collection_queues.activity_type_note")
        self.customer.collection_log(note_type, "<p>Pays 50% now, 50%% later</p>")
        line = self.history(self.customer, "note")
        self.assertIn("Pays 50% now, 50%% later", line.note)
        (promise_id,) = self.customer.collection_promise(
            120, real_days_ago(-3), note="<p>100% sure</p>"
        )
        self.assertIn(
            "100% sure", self.env["collection.promise"].browse(promise_id).note
        )

    def test_bad_input_is_refused_clearly(self):
        self.customer.collection_put_in_queue(self.p_watch)
        with self.assertRefused(UserError, "not a date"):
            self.customer.collection_log(
                self.type_call, "Call", followup_date="next friday"
            )
        with self.assertRefused(UserError, "does not exist"):
            self.customer.collection_change_status(999999999)
        with self.assertRefused(UserError, "not a date"):
            self.Profile.refresh_queues(date="31/02/2026")
        self.assertFalse(self.history(self.customer, self.type_call.code))

    def test_system_types_cannot_be_logged(self):
        self.customer.collection_put_in_queue(self.p_watch)
        for xmlid in (
            "activity_type_added",
            "activity_type_moved",
            "activity_type_removed",
            "activity_type_status",
        ):
            with self.assertRaises(UserError):
                self.customer.collection_log(self.env.ref(f"collection_queues.{xmlid}"))

    # ------------------------------------------------------------------
    # Bulk and RPC
    # ------------------------------------------------------------------

    def test_bulk_actions(self):
        customers = self.customer | self.other | self.third
        entries = self.Queue.browse(customers.collection_put_in_queue(self.p_watch))
        self.assertEqual(len(entries), 3)
        self.assertEqual(entries.partner_id, customers)
        self.assertEqual(len(self.lines(customers, "added")), 3)

        self.assertTrue(customers.collection_change_status(self.status_call))
        for partner in customers:
            self.assertEqual(partner.collection_status_id, self.status_call)
        self.assertEqual(len(self.lines(customers, "status")), 3)

        lines = self.Activity.browse(
            customers.collection_log(
                self.type_call, "Mass mailing", followup_date=days_ago(-5)
            )
        )
        self.assertEqual(len(lines), 3)
        self.assertEqual(lines.partner_id, customers)
        self.assertEqual(len(followup_todos(entries)), 3)
        self.assertEqual(set(entries.mapped("next_followup_date")), {days_ago(-5)})

        moved = self.Queue.browse(customers.collection_move_to_queue(self.p_legal))
        self.assertEqual(len(moved), 3)
        self.assertEqual(moved.profile_id, self.p_legal)
        self.assertEqual(set(moved.mapped("status_id")), {self.status_call})
        self.assertEqual(len(self.lines(customers, "moved")), 3)

        self.assertTrue(customers.collection_remove_from_queue())
        for partner in customers:
            self.assertFalse(self.entry(partner))
            self.assertFalse(partner.collection_status_id)
        self.assertEqual(len(self.lines(customers, "removed")), 3)

    def test_bulk_refused_for_all_when_one_is_not_in_a_queue(self):
        (self.customer | self.other).collection_put_in_queue(self.p_watch)
        customers = self.customer | self.other | self.third
        lines = self.Activity.search([("partner_id", "in", customers.ids)])
        for action, args in [
            ("collection_move_to_queue", (self.p_legal,)),
            ("collection_remove_from_queue", ()),
            ("collection_change_status", (self.status_call,)),
            ("collection_log", (self.type_call,)),
        ]:
            with (
                self.subTest(action=action),
                self.assertRefused(UserError, "Cobalt Roofing"),
            ):
                getattr(customers, action)(*args)
        self.assertEqual(
            self.Activity.search([("partner_id", "in", customers.ids)]),
            lines,
            "nothing done for anyone",
        )
        self.assertEqual(self.entry(self.customer).profile_id, self.p_watch)

    def test_bulk_remove_refused_when_one_is_in_a_sequenced_queue(self):
        self.in_sequenced_queue(self.customer)
        self.other.collection_put_in_queue(self.p_watch)
        with self.assertRaises(UserError):
            (self.customer | self.other).collection_remove_from_queue()
        self.assertTrue(self.entry(self.other), "nothing done for anyone")

    def test_calls_with_ids_as_rpc_sends_them(self):
        Partner = self.env["res.partner"]
        ids = (self.customer | self.other).ids

        def rpc(method, *args, **kwargs):
            return call_kw(Partner, method, [ids, *args], kwargs)

        rpc("collection_put_in_queue", self.p_watch.id)
        for partner in (self.customer, self.other):
            self.assertEqual(self.entry(partner).profile_id, self.p_watch)
        rpc("collection_change_status", self.status_call.id, note="Called both")
        self.assertEqual(self.customer.collection_status_id, self.status_call)
        self.assertEqual(len(self.lines(self.customer | self.other, "status")), 2)
        followup = fields.Date.to_string(days_ago(-4))
        rpc(
            "collection_log",
            self.type_call.id,
            note="Left a message",
            followup_date=followup,
            status=self.status_hold.id,
        )
        entry = self.entry(self.customer)
        self.assertEqual(entry.next_followup_date, days_ago(-4))
        self.assertEqual(entry.status_id, self.status_hold)
        self.assertEqual(followup_todos(entry).date_deadline, days_ago(-4))
        rpc("collection_move_to_queue", self.p_legal.id)
        self.assertEqual(self.entry(self.other).profile_id, self.p_legal)
        rpc("collection_remove_from_queue")
        self.assertFalse(self.entry(self.customer) | self.entry(self.other))
        # The same through the model's refresh.
        self.make_invoice(self.customer, 300, due=days_ago(10))
        result = call_kw(
            self.Profile,
            "refresh_queues",
            [],
            {"partners": ids, "date": fields.Date.to_string(days_ago(0))},
        )
        self.assertEqual(result["added"], 1)

    # ------------------------------------------------------------------
    # Entries
    # ------------------------------------------------------------------

    def test_entries_are_changed_through_the_actions_only(self):
        self.customer.collection_put_in_queue(self.p_watch)
        entry = self.entry(self.customer).with_user(self.collector)
        entry.next_followup_date = days_ago(-2)
        entry.collector_id = self.collector
        for field, value in [
            ("profile_id", self.p_legal.id),
            ("state", "closed"),
            ("status_id", False),
        ]:
            with self.subTest(field=field), self.assertRaises(UserError):
                entry.write({field: value})
        with self.assertRaises(AccessError):
            self.Queue.with_user(self.collector).create(
                {
                    "partner_id": self.other.id,
                    "profile_id": self.p_watch.id,
                    "company_id": self.company.id,
                }
            )


@tagged("post_install", "-at_install")
class TestManualActionRights(CollectionCase):
    """Who may act: collections users on the queues they may open; nobody else,
    though every internal user sees the banner. Refreshing is for managers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.other = cls.make_customer("Bolt Electric")
        cls.employee = cls.make_user("sam", "base.group_user", name="Sam Sales")
        cls.outsider = cls.make_user("olga", COLLECTION_USER, name="Olga Outsider")
        cls.insider = cls.make_user("ivan", COLLECTION_USER, name="Ivan Insider")
        cls.manager = cls.make_user(
            "mona", "collection_queues.group_collection_manager", name="Mona Manager"
        )
        # Only Ivan works the legal queue (managers see every queue).
        cls.p_legal.user_ids = cls.insider

    def actions_on_a_customer_in_a_queue(self):
        """(method, args) of every action on a customer who is in a queue; ids
        as a client sends them."""
        return [
            ("collection_move_to_queue", (self.p_watch.id,)),
            ("collection_remove_from_queue", ()),
            ("collection_change_status", (self.status_call.id,)),
            ("collection_log", (self.type_call.id, "Called")),
        ]

    def test_internal_users_without_collections_rights_cannot_act(self):
        self.customer.collection_put_in_queue(self.p_watch)
        lines = self.history(self.customer)
        with self.assertRaises(AccessError):
            self.other.with_user(self.employee).collection_put_in_queue(self.p_watch.id)
        customer = self.customer.with_user(self.employee)
        for method, args in self.actions_on_a_customer_in_a_queue():
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(customer, method)(*args)
        self.assertFalse(self.entry(self.other))
        self.assertEqual(self.entry(self.customer).profile_id, self.p_watch)
        self.assertEqual(self.history(self.customer), lines)

    def test_internal_users_see_the_banner_but_cannot_act(self):
        self.customer.collection_put_in_queue(self.p_legal)
        customer = self.customer.with_user(self.employee)
        for action, args in [
            ("collection_put_in_queue", (self.p_watch.id,)),
            ("collection_move_to_queue", (self.p_legal.id,)),
            ("collection_remove_from_queue", ()),
            ("collection_change_status", (self.status_call.id,)),
            ("collection_log", (self.type_call.id,)),
        ]:
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(customer, action)(*args)
        with self.assertRaises(AccessError):
            self.Profile.with_user(self.employee).refresh_queues()
        # ...but every internal user sees the banner.
        self.assertEqual(customer.collection_status_id, self.status_hold)
        self.assertEqual(customer.collection_queue_name, "Legal")
        self.assertTrue(customer.in_collections)

    def test_collector_not_allowed_on_a_queue_cannot_put_into_it(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.outsider).collection_put_in_queue(
                self.p_legal.id
            )
        self.assertFalse(self.entry(self.customer))

    def test_collector_not_allowed_on_a_queue_cannot_move_into_it(self):
        self.customer.collection_put_in_queue(self.p_watch)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.outsider).collection_move_to_queue(
                self.p_legal.id
            )
        self.assertEqual(self.entry(self.customer).profile_id, self.p_watch)

    def test_collector_not_allowed_on_a_queue_cannot_work_its_customers(self):
        self.customer.collection_put_in_queue(self.p_legal)
        lines = self.history(self.customer)
        customer = self.customer.with_user(self.outsider)
        for method, args in self.actions_on_a_customer_in_a_queue():
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(customer, method)(*args)
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_legal)
        self.assertEqual(entry.status_id, self.status_hold)
        self.assertEqual(self.history(self.customer), lines)

    def test_collector_cannot_act_on_a_selection_with_one_forbidden_customer(self):
        allowed = self.other
        allowed.collection_put_in_queue(self.p_watch)
        self.customer.collection_put_in_queue(self.p_legal)
        special = self.make_profile("Special handling")
        selection = (allowed | self.customer).with_user(self.outsider)
        lines = self.Activity.search([("partner_id", "in", selection.ids)])
        for method, args in self.actions_on_a_customer_in_a_queue():
            if method == "collection_move_to_queue":
                args = (special.id,)  # a queue open to the collector
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(selection, method)(*args)
        self.assertEqual(
            self.Activity.search([("partner_id", "in", selection.ids)]),
            lines,
            "nothing done for anyone",
        )
        self.assertEqual(self.entry(allowed).profile_id, self.p_watch)

    def test_collector_allowed_on_a_queue_works_it(self):
        customer = self.customer.with_user(self.insider)
        customer.collection_put_in_queue(self.p_legal.id)
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_legal)
        self.assertEqual(entry.user_id, self.insider)
        customer.collection_change_status(self.status_call.id, "Called")
        customer.collection_log(self.type_call.id, "Called", followup_date=days_ago(-2))
        self.assertEqual(followup_todos(entry).user_id, self.insider)
        customer.collection_move_to_queue(self.p_watch.id)
        customer.collection_move_to_queue(self.p_legal.id)
        customer.collection_remove_from_queue()
        self.assertFalse(self.entry(self.customer))
        self.assertEqual(
            set(self.history(self.customer).user_id.ids), {self.insider.id}
        )

    def test_collector_works_a_queue_once_allowed_on_it(self):
        customer = self.customer.with_user(self.outsider)
        with self.assertRaises(AccessError):
            customer.collection_put_in_queue(self.p_legal.id)
        customer.collection_put_in_queue(self.p_watch.id)
        customer.collection_log(self.type_call.id, "Left a voicemail")
        customer.collection_change_status(self.status_call.id)
        with self.assertRaises(AccessError):
            customer.collection_move_to_queue(self.p_legal.id)
        # A customer in a queue the collector may not open cannot be worked.
        self.other.collection_put_in_queue(self.p_legal)
        with self.assertRaises(AccessError):
            self.other.with_user(self.outsider).collection_log(self.type_call.id)
        with self.assertRaises(AccessError):
            self.Profile.with_user(self.outsider).refresh_queues()
        # Allowed on legal: now they can.
        self.p_legal.user_ids |= self.outsider
        self.other.with_user(self.outsider).collection_log(self.type_call.id)

    def test_collector_works_queues_open_to_every_collector(self):
        # Watch has no allowed users: every collections user may work it.
        customer = self.customer.with_user(self.outsider)
        customer.collection_put_in_queue(self.p_watch.id)
        customer.collection_change_status(self.status_call.id)
        customer.collection_log(self.type_call.id, "Called")
        customer.collection_remove_from_queue()
        self.assertEqual(len(self.history(self.customer)), 4)

    def test_only_managers_refresh(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        for user in (self.employee, self.outsider, self.insider):
            for dry_run in (False, True):
                with (
                    self.subTest(user=user.login, dry_run=dry_run),
                    self.assertRaises(AccessError),
                ):
                    self.Profile.with_user(user).refresh_queues(
                        date=days_ago(0), dry_run=dry_run
                    )
        for user in (self.employee, self.outsider):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.customer.with_user(user).action_collection_refresh()
        self.assertFalse(self.entry(self.customer))
        result = self.Profile.with_user(self.manager).refresh_queues(date=days_ago(0))
        self.assertEqual(result["added"], 1)
