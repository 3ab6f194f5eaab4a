# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import CollectionCase, days_ago, real_days_ago


@tagged("post_install", "-at_install")
class TestCollectionDialogs(CollectionCase):
    """The dialogs of the collection actions, opened from a partner, an entry or a
    selection of entries, as the buttons and the Actions menu open them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customers = cls.env["res.partner"]
        for name in ("Acme Plumbing", "Bolt Electric", "Cedar Roofing"):
            customer = cls.make_customer(name)
            cls.make_invoice(customer, 300, due=days_ago(10))
            cls.customers |= customer
        cls.customer = cls.customers[0]
        cls.collector = cls.make_user(
            "dialog_collector",
            "base.group_user,collection_queues.group_collection_user",
        )

    def dialog(self, model, records, user=None, **defaults):
        context = {
            "active_model": records._name,
            "active_ids": records.ids,
            "active_id": records[:1].id,
            **{f"default_{name}": value for name, value in defaults.items()},
        }
        env = self.env(user=user) if user else self.env
        return Form(env[model].with_context(**context))

    def entries(self, customers=None):
        return self.Queue.search(
            [
                ("partner_id", "in", (customers or self.customers).ids),
                ("state", "=", "open"),
            ]
        )

    # ------------------------------------------------------------------
    # Placement
    # ------------------------------------------------------------------

    def test_put_in_queue_from_the_partner_form(self):
        dialog = self.dialog("collection.placement.wizard", self.customer, action="put")
        self.assertEqual(dialog.partner_ids[:], self.customer)
        self.assertIn(self.p_legal, dialog.allowed_profile_ids[:])
        self.assertIn(self.p_1_30, dialog.allowed_profile_ids[:], "any queue")
        dialog.profile_id = self.p_legal
        self.assertEqual(
            dialog.summary,
            "Acme Plumbing will enter Legal with the status Do not dispatch.",
        )
        dialog.save().action_apply()
        self.assertEqual(self.entry(self.customer).profile_id, self.p_legal)
        self.assertEqual(self.customer.collection_status_id, self.status_hold)

    def test_move_offers_only_queues_that_are_not_sequenced(self):
        self.refresh()
        dialog = self.dialog(
            "collection.placement.wizard", self.entries(self.customer), action="move"
        )
        allowed = dialog.allowed_profile_ids[:]
        self.assertEqual(allowed, self.p_legal | self.p_watch)
        dialog.profile_id = self.p_watch
        self.assertIn("will move to New customer watch", dialog.summary)
        dialog.save().action_apply()
        self.assertEqual(self.entry(self.customer).profile_id, self.p_watch)
        self.assertEqual(self.customer.collection_status_id, self.status_late, "kept")

    def test_remove_from_a_queue_that_is_not_sequenced(self):
        self.customer.collection_put_in_queue(self.p_watch)
        dialog = self.dialog(
            "collection.placement.wizard", self.customer, action="remove"
        )
        self.assertIn("will leave their queue", dialog.summary)
        dialog.save().action_apply()
        self.assertFalse(self.entry(self.customer))

    def test_the_rules_hold_from_the_dialog_too(self):
        self.refresh()
        dialog = self.dialog(
            "collection.placement.wizard", self.customer, action="remove"
        )
        self.assertEqual(dialog.summary, "Nothing to do for this selection.")
        self.assertIn(
            "sequenced queue, which they leave by its rules only",
            dialog.skipped_summary,
        )
        with self.assertRaisesRegex(UserError, "leave by its rules only"):
            dialog.save().action_apply()
        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)

    def test_remove_a_mixed_selection_acts_on_the_allowed_and_says_the_rest(self):
        self.refresh()
        self.customers[:2].collection_move_to_queue(self.p_watch)
        entries = self.entries()
        dialog = self.dialog("collection.placement.wizard", entries, action="remove")
        self.assertEqual(dialog.acting_count, 2)
        self.assertEqual(dialog.skipped_partner_ids[:], self.customers[2])
        self.assertIn("2 customers will leave their queue", dialog.summary)
        self.assertIn("next refresh puts back", dialog.summary)
        self.assertEqual(
            dialog.skipped_summary,
            "Left as they are: Cedar Roofing, in a sequenced queue, which they leave "
            "by its rules only (move them to a queue that is not sequenced first).",
        )
        done = dialog.save().action_apply()
        self.assertIn(
            "2 customers removed from their queue.", done["params"]["message"]
        )
        self.assertIn("Cedar Roofing", done["params"]["message"])
        self.assertFalse(self.entry(self.customers[0]))
        self.assertFalse(self.entry(self.customers[1]))
        self.assertEqual(self.entry(self.customers[2]).profile_id, self.p_1_30)

    def test_put_in_queue_leaves_customers_already_in_one(self):
        self.refresh()
        newcomer = self.make_customer("Dune Supplies")
        dialog = self.dialog(
            "collection.placement.wizard", self.customer | newcomer, action="put"
        )
        dialog.profile_id = self.p_legal
        self.assertEqual(dialog.skipped_partner_ids[:], self.customer)
        self.assertIn("Dune Supplies will enter Legal", dialog.summary)
        self.assertIn("already in a queue", dialog.skipped_summary)
        dialog.save().action_apply()
        self.assertEqual(self.entry(newcomer).profile_id, self.p_legal)
        self.assertEqual(self.entry(self.customer).profile_id, self.p_1_30)

    def test_the_entry_form_offers_its_actions_as_buttons_only(self):
        """The Actions menu of an entry's form would offer them whatever the
        entry (Remove on a sequenced one, anything on a closed one): the form's
        buttons, shown when they apply, are the only way there."""
        bindings = self.env["ir.actions.actions"].get_bindings("collection.queue")
        in_form = [
            action["name"]
            for action in bindings.get("action", [])
            if "form" in (action.get("binding_view_types") or "list,form").split(",")
        ]
        self.assertEqual(in_form, [])
        in_list = {action["name"] for action in bindings.get("action", [])}
        self.assertLessEqual(
            {"Remove from Queue", "Move to Queue", "Change Status"}, in_list
        )

    def test_move_from_an_entry_lands_on_the_new_entry(self):
        self.refresh()
        old = self.entry(self.customer)
        dialog = self.dialog("collection.placement.wizard", old, action="move")
        dialog.profile_id = self.p_watch
        done = dialog.save().action_apply()
        new = self.entry(self.customer)
        self.assertNotEqual(new, old)
        self.assertEqual(
            done["params"]["next"],
            {
                "type": "ir.actions.act_window",
                "res_model": "collection.queue",
                "res_id": new.id,
                "views": [(False, "form")],
                "target": "current",
            },
        )

    # ------------------------------------------------------------------
    # Events, notes, statuses
    # ------------------------------------------------------------------

    def test_log_a_call_with_a_follow_up_and_a_new_status(self):
        self.refresh()
        followup = real_days_ago(-3)
        dialog = self.dialog("collection.log.wizard", self.customer, mode="log")
        dialog.activity_type_id = self.type_call
        dialog.note = "<p>Promised to pay Friday</p>"
        dialog.followup_date = followup
        dialog.status_id = self.status_call
        self.assertIn("Phone call is logged in the history of Acme", dialog.summary)
        self.assertIn("follow-up To-Do on", dialog.summary)
        self.assertIn("the status becomes Call accounting first", dialog.summary)
        dialog.save().action_apply()
        entry = self.entry(self.customer)
        (line,) = self.history(self.customer, self.type_call.code)
        self.assertIn("Promised to pay Friday", line.note)
        self.assertEqual(entry.next_followup_date, followup)
        self.assertEqual(entry.activity_ids.date_deadline, followup)
        self.assertEqual(self.customer.collection_status_id, self.status_call)

    def test_add_a_note(self):
        self.refresh()
        dialog = self.dialog("collection.log.wizard", self.customer, mode="note")
        dialog.note = "<p>Owner travels until May</p>"
        dialog.save().action_apply()
        (line,) = self.history(self.customer, "note")
        self.assertIn("Owner travels until May", line.note)

    def test_change_the_status_of_a_selection_of_entries(self):
        self.refresh()
        entries = self.entries()
        self.assertEqual(len(entries), 3)
        dialog = self.dialog("collection.log.wizard", entries, mode="status")
        self.assertEqual(dialog.partner_ids[:], self.customers)
        dialog.status_id = self.status_hold
        self.assertEqual(
            dialog.summary, "The status of 3 customers becomes Do not dispatch."
        )
        dialog.save().action_apply()
        self.assertEqual(set(entries.mapped("status_id")), {self.status_hold})
        for customer in self.customers:
            self.assertEqual(len(self.history(customer, "status")), 1)

    # ------------------------------------------------------------------
    # Collector and follow-ups
    # ------------------------------------------------------------------

    def test_assign_a_collector_who_gets_the_follow_ups(self):
        self.refresh()
        self.customer.collection_log(self.type_call.id, followup_date=real_days_ago(-2))
        dialog = self.dialog("collection.assign.wizard", self.entries(self.customer))
        dialog.collector_id = self.collector
        self.assertIn("becomes the collector of Acme Plumbing", dialog.summary)
        dialog.save().action_apply()
        entry = self.entry(self.customer)
        self.assertEqual(entry.collector_id, self.collector)
        self.assertEqual(entry.activity_ids.user_id, self.collector)

    def test_a_collector_must_be_a_collections_user(self):
        self.refresh()
        clerk = self.make_user("dialog_clerk", "base.group_user")
        with self.assertRaisesRegex(UserError, "cannot be the collector"):
            self.entry(self.customer).with_user(self.collector).write(
                {"collector_id": clerk.id}
            )

    def test_editing_the_next_follow_up_schedules_or_moves_the_to_do(self):
        self.refresh()
        entry = self.entry(self.customer).with_user(self.collector)
        entry.next_followup_date = real_days_ago(-4)
        self.assertEqual(entry.activity_ids.date_deadline, real_days_ago(-4))
        entry.next_followup_date = real_days_ago(-6)
        self.assertEqual(len(entry.activity_ids), 1, "moved, not doubled")
        self.assertEqual(entry.activity_ids.date_deadline, real_days_ago(-6))

    def test_a_collector_not_allowed_on_a_queue_cannot_act_from_a_dialog(self):
        secret = self.make_profile(
            "Secret",
            user_ids=[
                (
                    6,
                    0,
                    self.make_user(
                        "other",
                        "base.group_user,collection_queues.group_collection_user",
                    ).ids,
                )
            ],
        )
        self.customer.collection_put_in_queue(secret)
        with self.assertRaisesRegex(UserError, "in a queue you are not allowed on"):
            self.dialog(
                "collection.log.wizard", self.customer, user=self.collector, mode="note"
            )
        # Nor by naming the customer in a dialog of their own.
        with self.assertRaisesRegex(UserError, "in a queue you are not allowed on"):
            self.env["collection.log.wizard"].with_user(self.collector).create(
                {"mode": "note", "partner_ids": [(6, 0, self.customer.ids)]}
            )
        self.assertFalse(self.history(self.customer, "note"))
