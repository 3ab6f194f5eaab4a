# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
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
