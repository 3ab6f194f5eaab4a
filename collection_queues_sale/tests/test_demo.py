# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSaleDemo(TransactionCase):
    """The demo's salesperson: the Sales app only, and the banner on her quotation."""

    def test_the_salesperson_sees_the_banner_and_nothing_else(self):
        sales = self.env.ref("collection_queues_sale.demo_user_sales")
        self.assertEqual(sales.login, "sales")
        self.assertTrue(sales.has_group("sales_team.group_sale_salesman"))
        for group in (
            "account.group_account_invoice",
            "account.group_account_readonly",
            "collection_queues.group_collection_user",
        ):
            self.assertFalse(sales.has_group(group), group)
        order = self.env.ref("collection_queues_sale.demo_order_harbor_dental")
        self.assertEqual(order.user_id, sales)
        values = order.with_user(sales).read(["in_collections", "collection_status_id"])
        self.assertTrue(values[0]["in_collections"])
        self.assertTrue(values[0]["collection_status_id"])
        with self.assertRaises(AccessError):
            order.partner_id.collection_queue_id.with_user(sales).read(["status_id"])
