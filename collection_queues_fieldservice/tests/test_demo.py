# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestFieldServiceDemo(TransactionCase):
    """The demo's dispatcher: Field Service only, and the banner on his order."""

    def test_the_dispatcher_sees_the_banner_and_nothing_else(self):
        module = self.env["ir.module.module"]._get("collection_queues_fieldservice")
        if not module.demo:
            self.skipTest("installed without its demo data")
        dispatcher = self.env.ref("collection_queues_fieldservice.demo_user_dispatcher")
        self.assertEqual(dispatcher.login, "dispatcher")
        self.assertTrue(dispatcher.has_group("fieldservice.group_fsm_dispatcher"))
        for group in (
            "account.group_account_invoice",
            "account.group_account_readonly",
            "collection_queues.group_collection_user",
        ):
            self.assertFalse(dispatcher.has_group(group), group)
        order = self.env.ref("collection_queues_fieldservice.demo_order_harbor_dental")
        self.assertEqual(
            order.location_id.owner_id,
            self.env.ref("collection_queues.demo_partner_harbor_dental"),
        )
        values = order.with_user(dispatcher).read(
            ["in_collections", "collection_status_id"]
        )
        self.assertTrue(values[0]["in_collections"])
        self.assertTrue(values[0]["collection_status_id"])
        with self.assertRaises(AccessError):
            self.env["collection.queue"].with_user(dispatcher).search([])
