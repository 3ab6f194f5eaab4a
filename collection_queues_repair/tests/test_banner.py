# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.collection_queues.tests.common import CollectionCase

BANNER_FIELDS = [
    "in_collections",
    "collection_status_id",
    "collection_queue_name",
    "collection_collector_id",
    "collection_banner_severity",
]


@tagged("post_install", "-at_install")
class TestRepairBanner(CollectionCase):
    """The customer's collections banner on repair orders, for technicians."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.legal = cls.make_profile("Legal")
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jo Workshop", "parent_id": cls.customer.id}
        )
        cls.bystander = cls.make_customer("Bystander")
        cls.technician = new_test_user(
            cls.env,
            "repair_banner_technician",
            groups="base.group_user,stock.group_stock_user",
            company_id=cls.company.id,
        )
        cls.customer.collection_put_in_queue(cls.legal.id)
        cls.customer.collection_change_status(cls.status_hold.id)
        cls.status_hold.severity = "warning"

    def make_repair(self, partner):
        return self.env["repair.order"].create(
            {"partner_id": partner.id, "company_id": self.company.id}
        )

    def test_technician_sees_the_banner_of_the_repairs_customer(self):
        repair = self.make_repair(self.contact).with_user(self.technician)
        (values,) = repair.read(BANNER_FIELDS)
        self.assertTrue(values["in_collections"])
        self.assertEqual(values["collection_status_id"][0], self.status_hold.id)
        self.assertEqual(values["collection_queue_name"], "Legal")
        self.assertEqual(values["collection_banner_severity"], "warning")
        (other,) = (
            self.make_repair(self.bystander)
            .with_user(self.technician)
            .read(BANNER_FIELDS)
        )
        self.assertFalse(other["in_collections"])

    def test_technician_reads_nothing_else_of_collections(self):
        repair = self.make_repair(self.customer).with_user(self.technician)
        with self.assertRaises(AccessError):
            repair.read(["collection_queue_id"])
        with self.assertRaises(AccessError):
            self.env["collection.queue"].with_user(self.technician).search([])

    def test_banner_before_saving(self):
        """The banner follows the customer chosen on a new repair (the web
        client's onchange), before it is saved."""
        values = (
            self.env["repair.order"]
            .with_user(self.technician)
            .onchange(
                {"partner_id": self.contact.id, "company_id": self.company.id},
                ["partner_id"],
                {name: {} for name in [*BANNER_FIELDS, "partner_id", "company_id"]},
            )
            .get("value", {})
        )
        self.assertTrue(values["in_collections"])
        self.assertEqual(values["collection_queue_name"], "Legal")
        self.assertFalse(
            self.env["repair.order"].search([("partner_id", "=", self.contact.id)]),
            "nothing saved",
        )

    def test_the_form_shows_the_banner(self):
        arch = self.env["repair.order"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        self.assertIn('name="collection_banner"', arch)
