# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CollectionCase, days_ago


@tagged("post_install", "-at_install")
class TestCollectionActions(CollectionCase):
    """What users do: put in queue, move, remove, change status, log an event."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.other = cls.make_customer("Bolt Electric")
        cls.collector = new_test_user(
            cls.env,
            login="carla",
            name="Carla Collector",
            groups="base.group_user,collection_queues.group_collection_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.p_legal.user_ids = cls.env.user  # only the manager works legal

    def test_put_in_queue(self):
        entries = self.Queue.browse(self.customer.collection_put_in_queue(self.p_legal))
        entry = self.entry(self.customer)
        self.assertEqual(entries, entry)
        self.assertEqual(entry.profile_id, self.p_legal)
        self.assertTrue(entry.is_manual)
        self.assertEqual(entry.user_id, self.env.user)
        self.assertEqual(
            entry.status_id, self.status_hold, "the profile's initial status"
        )
        self.assertEqual(entry.last_activity_date, fields.Date.today())
        added = self.history(self.customer, "added")
        self.assertEqual(added.user_id, self.env.user)
        self.assertEqual(added.status_id, self.status_hold)

    def test_put_in_queue_only_from_no_queue(self):
        self.customer.collection_put_in_queue(self.p_watch)
        with self.assertRefused(UserError, "Already in a collection queue"):
            self.customer.collection_put_in_queue(self.p_legal)
        with self.assertRaises(UserError):
            (self.customer | self.other).collection_put_in_queue(self.p_legal)
        self.assertFalse(self.entry(self.other), "nothing done for anyone")

    def test_put_in_queue_of_any_profile_fills_amounts(self):
        self.make_invoice(self.customer, 250, due=days_ago(70))
        self.make_invoice(self.customer, 80, due=days_ago(-10))
        self.customer.collection_put_in_queue(self.p_91)
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_91)
        self.assertAlmostEqual(entry.amount_due, 330)
        self.assertEqual(entry.days_past_due, (fields.Date.today() - days_ago(70)).days)

    def test_bulk_and_ids(self):
        (self.customer | self.other).collection_put_in_queue(self.p_watch.id)
        self.assertEqual(
            (self.entry(self.customer) | self.entry(self.other)).profile_id,
            self.p_watch,
        )
        (self.customer | self.other).collection_change_status(
            self.status_call.id, "Both called"
        )
        self.assertEqual(
            len(self.Activity.search([("activity_type_id.code", "=", "status")])), 2
        )
        (self.customer | self.other).collection_remove_from_queue()
        self.assertFalse(self.entry(self.customer) | self.entry(self.other))

    def test_move_only_to_a_queue_that_is_not_sequenced(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        self.customer.collection_change_status(self.status_call)
        with self.assertRefused(UserError, "sequenced"):
            self.customer.collection_move_to_queue(self.p_91)
        self.customer.collection_move_to_queue(self.p_legal)
        entry = self.entry(self.customer)
        self.assertEqual(entry.profile_id, self.p_legal)
        self.assertEqual(entry.status_id, self.status_call, "the status is kept")
        moved = self.history(self.customer, "moved")
        self.assertEqual(moved.from_profile_id, self.p_1_30)
        self.assertEqual(moved.user_id, self.env.user)
        # Between two queues that are not sequenced.
        self.customer.collection_move_to_queue(self.p_watch)
        self.assertEqual(self.entry(self.customer).profile_id, self.p_watch)
        with self.assertRaises(UserError):
            self.customer.collection_move_to_queue(self.p_watch)

    def test_move_needs_a_queue(self):
        with self.assertRefused(UserError, "Not in a collection queue"):
            self.customer.collection_move_to_queue(self.p_legal)

    def test_remove_only_from_a_queue_that_is_not_sequenced(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        with self.assertRefused(
            UserError, "move them to a queue that is not sequenced"
        ):
            self.customer.collection_remove_from_queue()
        self.customer.collection_move_to_queue(self.p_watch)
        self.customer.collection_remove_from_queue()
        self.assertFalse(self.entry(self.customer))
        self.assertFalse(self.customer.collection_status_id)
        removed = self.history(self.customer, "removed")
        self.assertEqual(removed.user_id, self.env.user)
        self.assertEqual(removed.profile_id, self.p_watch)
        # Still meeting a sequenced profile: the next refresh puts the customer back.
        self.assertCounts(self.refresh(), added=1)
        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)

    def test_change_status(self):
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

    def test_log_an_event_with_followup_and_status(self):
        with self.assertRefused(UserError, "Not in a collection queue"):
            self.customer.collection_log(self.type_call, "No answer")
        self.customer.collection_put_in_queue(self.p_watch)
        entry = self.entry(self.customer)
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
        todo = self.env["mail.activity"].search(
            [("res_model", "=", "collection.queue"), ("res_id", "=", entry.id)]
        )
        self.assertEqual(todo.user_id, self.collector)
        self.assertEqual(todo.date_deadline, followup)
        self.assertEqual(
            todo.activity_type_id, self.env.ref("mail.mail_activity_data_todo")
        )

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

    def test_log_a_note(self):
        self.customer.collection_put_in_queue(self.p_watch)
        note_type = self.env.ref("collection_queues.activity_type_note")
        self.customer.collection_log(
            note_type, "<p>Owner travels until May</p><script>x</script>"
        )
        line = self.history(self.customer, "note")
        self.assertIn("Owner travels until May", line.note)
        self.assertNotIn("<script>", line.note)

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
    # Rights
    # ------------------------------------------------------------------

    def test_internal_users_cannot_act(self):
        employee = new_test_user(
            self.env, login="sam", groups="base.group_user", company_id=self.company.id
        )
        self.customer.collection_put_in_queue(self.p_legal)
        customer = self.customer.with_user(employee)
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
            self.Profile.with_user(employee).refresh_queues()
        # ...but every internal user sees the banner.
        self.assertEqual(customer.collection_status_id, self.status_hold)
        self.assertEqual(customer.collection_queue_name, "Legal")
        self.assertTrue(customer.in_collections)

    def test_collectors_work_the_queues_they_are_allowed_on(self):
        customer = self.customer.with_user(self.collector)
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
            self.other.with_user(self.collector).collection_log(self.type_call.id)
        with self.assertRaises(AccessError):
            self.Profile.with_user(self.collector).refresh_queues()
        # Allowed on legal: now they can.
        self.p_legal.user_ids |= self.collector
        self.other.with_user(self.collector).collection_log(self.type_call.id)

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
