# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.collection_queues.tests.common import (
    BannerForm,
    CollectionCase,
)


# What the banner widget reads (its fieldDependencies in collection_banner.js).
@tagged("post_install", "-at_install")
class TestFieldServiceBanner(CollectionCase):
    """The customer's collections banner on field service orders, for dispatchers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The accounting manager the tests run as also sets up field service.
        cls.env.user.sudo().groups_id |= cls.env.ref("fieldservice.group_fsm_manager")
        # Field Service ships its first order stage and team in the main company:
        # the stage shared, and a team of its own, serve the test company.
        cls.env.ref("fieldservice.fsm_stage_new").sudo().company_id = False
        cls.make_team(cls.company)
        cls.legal = cls.make_profile("Legal")
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jo Facilities", "parent_id": cls.customer.id}
        )
        cls.bystander = cls.make_customer("Bystander")
        cls.collector = cls.make_user(
            "fsm_banner_collector", "collection_queues.group_collection_user"
        )
        cls.dispatcher = cls.make_user(
            "fsm_banner_dispatcher", "base.group_user,fieldservice.group_fsm_dispatcher"
        )
        # The customer's contact owns the site: the banner is the customer's.
        cls.location = cls.make_location("Acme Plumbing - Warehouse", cls.contact)
        cls.bystander_location = cls.make_location("Bystander - Shop", cls.bystander)
        cls.order = cls.make_order(cls.location)
        cls.bystander_order = cls.make_order(cls.bystander_location)

    @classmethod
    def make_team(cls, company):
        return cls.env["fsm.team"].create(
            {"name": f"{company.name} Team", "company_id": company.id}
        )

    @classmethod
    def make_location(cls, name, owner):
        return cls.env["fsm.location"].create({"name": name, "owner_id": owner.id})

    @classmethod
    def make_order(cls, location):
        return cls.env["fsm.order"].create(
            {"location_id": location.id, "company_id": cls.company.id}
        )

    def put_in_legal(self):
        self.customer.collection_put_in_queue(self.legal.id)
        self.customer.collection_change_status(self.status_hold.id)
        self.entry(self.customer).collector_id = self.collector

    def test_dispatcher_is_neither_accountant_nor_collector(self):
        for group in (
            "account.group_account_invoice",
            "account.group_account_readonly",
            "collection_queues.group_collection_user",
        ):
            self.assertFalse(self.dispatcher.has_group(group), group)

    def test_dispatcher_sees_the_banner_of_the_locations_owner(self):
        self.put_in_legal()
        values = self.order.with_user(self.dispatcher).read(
            [
                "in_collections",
                "collection_status_id",
                "collection_queue_name",
                "collection_collector_id",
                "collection_banner_severity",
            ]
        )[0]
        self.assertTrue(values["in_collections"])
        self.assertEqual(values["collection_status_id"][0], self.status_hold.id)
        self.assertEqual(values["collection_queue_name"], "Legal")
        self.assertEqual(values["collection_collector_id"][0], self.collector.id)
        self.assertEqual(
            values["collection_banner_severity"], self.status_hold.severity or "danger"
        )

    def test_no_banner_for_a_customer_not_in_collections(self):
        self.put_in_legal()
        values = self.bystander_order.with_user(self.dispatcher).read(
            [
                "in_collections",
                "collection_status_id",
                "collection_queue_name",
                "collection_collector_id",
                "collection_banner_severity",
            ]
        )[0]
        self.assertFalse(values["in_collections"])
        self.assertFalse(values["collection_status_id"])
        self.assertFalse(values["collection_queue_name"])
        self.assertFalse(values["collection_collector_id"])
        self.assertFalse(values["collection_banner_severity"])

    def test_dispatcher_sees_nothing_else_of_collections(self):
        self.put_in_legal()
        order = self.order.with_user(self.dispatcher)
        with self.assertRaises(AccessError):
            order.read(["collection_queue_id"])
        with self.assertRaises(AccessError):
            self.env["collection.queue"].with_user(self.dispatcher).search([])
        with self.assertRaises(AccessError):
            self.entry(self.customer).with_user(self.dispatcher).read(["status_id"])

    def test_banner_follows_the_owners_commercial_partner(self):
        self.assertFalse(self.order.in_collections)
        self.put_in_legal()
        self.assertTrue(self.order.in_collections)
        # Another owner for the site: the banner is the new owner's.
        self.location.owner_id = self.bystander
        self.assertFalse(self.order.in_collections)
        self.location.owner_id = self.customer
        self.assertTrue(self.order.in_collections)
        # Another site for the order, then the customer leaving collections.
        self.order.location_id = self.bystander_location
        self.assertFalse(self.order.in_collections)
        self.order.location_id = self.location
        self.assertTrue(self.order.in_collections)
        self.customer.collection_remove_from_queue()
        self.assertFalse(self.order.in_collections)

    def test_order_of_another_company_shows_that_companys_situation(self):
        self.put_in_legal()
        other = self.setup_other_company()["company"]
        self.env.user.company_ids |= other
        self.make_team(other)
        order = (
            self.env["fsm.order"]
            .with_company(other)
            .create({"location_id": self.location.id, "company_id": other.id})
        )
        self.assertFalse(order.in_collections)

    def test_banner_on_a_new_order_before_saving(self):
        self.put_in_legal()
        orders = self.env["fsm.order"].search_count([])
        form = BannerForm(self.env["fsm.order"].with_user(self.dispatcher))
        self.assertFalse(form.in_collections)
        form.location_id = self.location
        self.assertTrue(form.in_collections)
        self.assertEqual(form.collection_status_id, self.status_hold)
        self.assertEqual(form.collection_queue_name, "Legal")
        self.assertEqual(form.collection_collector_id, self.collector)
        self.assertTrue(form.collection_banner_severity)
        form.location_id = self.bystander_location
        self.assertFalse(form.in_collections)
        self.assertFalse(form.collection_queue_name)
        self.assertEqual(
            self.env["fsm.order"].search_count([]), orders, "the banner needs no save"
        )

    def test_order_form_carries_the_banner(self):
        arch = etree.fromstring(
            self.env["fsm.order"]
            .with_user(self.dispatcher)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertTrue(arch.xpath("//widget[@name='collection_banner']"))
