# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.collection_queues.tests.common import CollectionCase


@tagged("post_install", "-at_install")
class TestSaleBanner(CollectionCase):
    """The customer's collections banner on sales orders, for salespeople."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.legal = cls.make_profile("Legal")
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jo Purchasing", "parent_id": cls.customer.id}
        )
        cls.bystander = cls.make_customer("Bystander")
        cls.collector = new_test_user(
            cls.env,
            "sale_banner_collector",
            groups="collection_queues.group_collection_user",
            company_id=cls.company.id,
        )
        cls.salesperson = new_test_user(
            cls.env,
            "sale_banner_salesperson",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.order = cls.make_order(cls.contact)
        cls.bystander_order = cls.make_order(cls.bystander)

    @classmethod
    def make_order(cls, partner):
        # The salesperson's own orders: those a salesperson may open.
        return cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": cls.company.id,
                "user_id": cls.salesperson.id,
            }
        )

    def put_in_legal(self):
        self.customer.collection_put_in_queue(self.legal.id)
        self.customer.collection_change_status(self.status_hold.id)
        self.entry(self.customer).collector_id = self.collector

    def test_salesperson_sees_the_banner_of_the_orders_customer(self):
        self.put_in_legal()
        order = self.order.with_user(self.salesperson)
        values = order.read(
            [
                "in_collections",
                "collection_status_id",
                "collection_queue_name",
                "collection_collector_id",
            ]
        )[0]
        self.assertTrue(values["in_collections"])
        self.assertEqual(values["collection_status_id"][0], self.status_hold.id)
        self.assertEqual(values["collection_queue_name"], "Legal")
        self.assertEqual(values["collection_collector_id"][0], self.collector.id)
        bystander = self.bystander_order.with_user(self.salesperson)
        self.assertFalse(bystander.read(["in_collections"])[0]["in_collections"])

    def test_salesperson_sees_nothing_else_of_collections(self):
        self.put_in_legal()
        order = self.order.with_user(self.salesperson)
        with self.assertRaises(AccessError):
            order.read(["collection_queue_id"])
        with self.assertRaises(AccessError):
            self.entry(self.customer).with_user(self.salesperson).read(["status_id"])
        partner_form = etree.fromstring(
            self.env["res.partner"]
            .with_user(self.salesperson)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertTrue(partner_form.xpath("//widget[@name='collection_banner']"))
        self.assertFalse(partner_form.xpath("//page[@name='collections']"))

    def test_order_form_carries_the_banner(self):
        arch = etree.fromstring(
            self.env["sale.order"]
            .with_user(self.salesperson)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertTrue(arch.xpath("//widget[@name='collection_banner']"))

    def test_banner_follows_the_customer(self):
        self.assertFalse(self.order.in_collections)
        self.put_in_legal()
        self.assertTrue(self.order.in_collections)
        self.customer.collection_remove_from_queue()
        self.assertFalse(self.order.in_collections)

    def test_order_of_another_company_shows_that_companys_situation(self):
        self.put_in_legal()
        other = self.setup_other_company()["company"]
        self.env.user.company_ids |= other
        order = (
            self.env["sale.order"]
            .with_company(other)
            .create({"partner_id": self.customer.id, "company_id": other.id})
        )
        self.assertFalse(order.in_collections)
