# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import new_test_user, tagged

from .tour_common import CollectionTourCase

OVERVIEW = "/odoo/action-collection_queues.action_collection_overview"


@tagged("post_install", "-at_install")
class TestTours(CollectionTourCase):
    """The daily work with the mouse, in a real browser."""

    def entry_of(self, customer):
        return self.env["collection.queue"].search(
            [("partner_id", "=", customer.id), ("state", "=", "open")]
        )

    def test_collector_logs_a_call_with_a_follow_up_and_a_new_status(self):
        self.start_tour(
            OVERVIEW, "collection_queues_collector_tour", login="tour_collector"
        )
        self.entry.invalidate_recordset()
        self.assertEqual(self.entry.status_id, self.promised)
        self.assertTrue(self.entry.next_followup_date)
        call = self.entry.collection_activity_ids.filtered(
            lambda line: line.activity_type_id.code == "tour_call"
        )
        self.assertEqual(call.user_id, self.collector)
        self.assertEqual(call.followup_date, self.entry.next_followup_date)
        self.assertTrue(
            self.env["mail.activity"].search(
                [
                    ("res_model", "=", "collection.queue"),
                    ("res_id", "=", self.entry.id),
                    ("user_id", "=", self.collector.id),
                    ("date_deadline", "=", self.entry.next_followup_date),
                ]
            ),
            "the follow-up is a To-Do of the collector",
        )

    def test_collector_prints_a_letter_that_holds_the_customer(self):
        self.make_invoice(self.customer, 1234.56, days_late=20)
        self.start_tour(
            OVERVIEW, "collection_queues_print_letter_tour", login="tour_collector"
        )
        letters = self.entry.collection_activity_ids.filtered(
            lambda line: line.activity_type_id.code == "letter"
        )
        self.assertEqual(len(letters), 1, "printed once, logged once")
        self.assertIn("printed", letters.note)

    def test_collector_sees_no_action_on_a_customer_of_a_queue_closed_to_her(self):
        other = new_test_user(
            self.env,
            "tour_other_collector",
            groups="base.group_user,collection_queues.group_collection_user",
            company_id=self.company.id,
        )
        secret = self.env["collection.profile"].create(
            {
                "name": "Tour Secret Queue",
                "company_id": self.company.id,
                "user_ids": [Command.set(other.ids)],
            }
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Secret Customer", "is_company": True}
        )
        customer.collection_put_in_queue(secret.id)
        self.start_tour(
            f"/odoo/res.partner/{customer.id}",
            "collection_queues_restricted_customer_tour",
            login="tour_collector",
        )

    def test_collector_moves_a_sequenced_entry_and_lands_on_the_new_one(self):
        self.env["collection.profile"].create(
            {
                "name": "Tour Sequenced",
                "company_id": self.company.id,
                "auto_sequence": True,
                "sequence_number": 97,
                "days_past_due_min": 1,
                "min_amount_past_due": 10,
                "partner_category_ids": [
                    Command.create({"name": "Tour sequenced customers"})
                ],
            }
        )
        watch = self.env["collection.profile"].create(
            {"name": "Tour Watch", "company_id": self.company.id}
        )
        tag = self.env["res.partner.category"].search(
            [("name", "=", "Tour sequenced customers")]
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Late Payer", "is_company": True, "category_id": tag.ids}
        )
        self.make_invoice(customer, 400, days_late=12)
        self.env["collection.profile"].refresh_queues(partners=customer.ids)
        entry = self.entry_of(customer)
        self.assertTrue(entry.profile_id.auto_sequence)
        self.start_tour(
            f"/odoo/action-collection_queues.action_collection_queue/{entry.id}",
            "collection_queues_sequenced_entry_tour",
            login="tour_collector",
        )
        self.assertEqual(self.entry_of(customer).profile_id, watch)

    def test_collector_records_a_promise_to_pay(self):
        self.start_tour(
            OVERVIEW, "collection_queues_promise_tour", login="tour_collector"
        )
        self.entry.invalidate_recordset()
        promise = self.entry.promise_id
        self.assertRecordValues(
            promise, [{"amount": 250.0, "state": "open", "user_id": self.collector.id}]
        )
        self.assertEqual(self.entry.next_followup_date, promise.date)

    def test_manager_previews_a_refresh_and_applies_it(self):
        tag = self.env["res.partner.category"].create({"name": "Tour late payers"})
        window = self.env["collection.profile"].create(
            {
                "name": "Tour Window",
                "company_id": self.company.id,
                "auto_sequence": True,
                "sequence_number": 95,
                "days_past_due_min": 1,
                "min_amount_past_due": 10,
                "partner_category_ids": [tag.id],
            }
        )
        late = self.env["res.partner"].create(
            {"name": "Tour Late Customer", "is_company": True, "category_id": [tag.id]}
        )
        self.make_invoice(late, 500, days_late=10)
        self.start_tour(OVERVIEW, "collection_queues_refresh_tour", login="admin")
        self.assertEqual(self.entry_of(late).profile_id, window)

    def test_manager_changes_the_status_of_three_selected_entries(self):
        bulk = self.env["collection.profile"].create(
            {"name": "Tour Bulk Queue", "company_id": self.company.id}
        )
        customers = self.env["res.partner"].create(
            [
                {"name": f"Bulk Customer {number}", "is_company": True}
                for number in (1, 2, 3)
            ]
        )
        customers.collection_put_in_queue(bulk.id)
        self.start_tour(OVERVIEW, "collection_queues_bulk_status_tour", login="admin")
        for customer in customers:
            self.assertEqual(self.entry_of(customer).status_id, self.promised)

    def test_manager_adds_a_step_previews_and_runs_it(self):
        manager = new_test_user(
            self.env,
            "tour_manager",
            groups="base.group_user,collection_queues.group_collection_manager",
            company_id=self.company.id,
            name="Tour Manager",
        )
        template = self.env.ref(
            "collection_queues.mail_template_collection_friendly_reminder"
        )
        self.queue.letter_template_id = template
        # A letter goes to a customer with an address and something overdue.
        self.customer.email = "tour.customer@example.com"
        self.make_invoice(self.customer, 321.0, days_late=15)
        self.start_tour(OVERVIEW, "collection_queues_steps_tour", login="tour_manager")
        self.env.invalidate_all()
        self.assertRecordValues(
            self.queue.step_ids,
            [
                {
                    "name": "Tour reminder",
                    "day": 0,
                    "action": "email",
                    "template_id": template.id,
                }
            ],
        )

        def history(code):
            return self.entry.collection_activity_ids.filtered(
                lambda line: line.activity_type_id.code == code
            )

        def mails():
            return self.env["mail.mail"].search(
                [("model", "=", "collection.queue"), ("res_id", "=", self.entry.id)]
            )

        self.assertEqual(len(history("step")), 1)
        self.assertIn("Tour reminder", history("step").note)
        self.assertEqual(len(history("letter")), 1)
        self.assertIn("e-mailed", history("letter").note)
        self.assertEqual(history("letter").user_id, manager)
        self.assertEqual(len(mails()), 1)
        self.assertEqual(mails().recipient_ids, self.customer)
        # Once per customer and step: a second run finds it done.
        self.env["collection.profile"].with_user(manager).collection_run_steps()
        self.env.invalidate_all()
        self.assertEqual(len(history("step")), 1)
        self.assertEqual(len(history("letter")), 1)
        self.assertEqual(len(mails()), 1)

    def test_collector_disputes_an_invoice_and_the_customer_leaves_the_queue(self):
        collector = new_test_user(
            self.env,
            "tour_dispute_collector",
            groups="base.group_user,account.group_account_invoice,"
            "collection_queues.group_collection_user",
            company_id=self.company.id,
            name="Tour Dispute Collector",
        )
        late = self.env["collection.profile"].create(
            {
                "name": "Tour 31+ days",
                "company_id": self.company.id,
                "auto_sequence": True,
                "sequence_number": 99,
                "days_past_due_min": 31,
                "days_past_due_max": 0,
                "min_amount_past_due": 100,
            }
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Disputing Customer", "is_company": True}
        )
        invoice = self.make_invoice(customer, 500, days_late=40)
        Profile = self.env["collection.profile"]
        Profile.refresh_queues(partners=customer.ids)
        entry = self.entry_of(customer)
        self.assertEqual(entry.profile_id, late)
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "collection_queues_invoice_dispute_tour",
            login="tour_dispute_collector",
        )
        dispute = self.env["collection.dispute"].search(
            [("partner_id", "=", customer.id), ("state", "=", "open")]
        )
        self.assertRecordValues(
            dispute,
            [
                {
                    "move_id": invoice.id,
                    "user_id": collector.id,
                    "amount": 500.0,
                    "reason_id": self.env.ref(
                        "collection_queues.dispute_reason_not_received"
                    ).id,
                }
            ],
        )
        # What is past due is all in dispute: the next refresh lets the
        # customer go.
        Profile.refresh_queues(partners=customer.ids)
        self.assertFalse(self.entry_of(customer))
        self.env.invalidate_all()
        self.assertRecordValues(entry, [{"state": "closed", "outcome": "disputed"}])
        logged = entry.collection_activity_ids.filtered(
            lambda line: line.activity_type_id.code == "dispute"
        )
        self.assertEqual(len(logged), 1)
        self.assertEqual(logged.user_id, collector)
        self.assertIn("Not received", logged.note)
