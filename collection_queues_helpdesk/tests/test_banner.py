# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.collection_queues.tests.common import (
    BannerForm,
    CollectionCase,
)


@tagged("post_install", "-at_install")
class TestHelpdeskBanner(CollectionCase):
    """The customer's collections banner on helpdesk tickets, for helpdesk agents
    who have neither accounting nor collections rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.legal = cls.make_profile("Legal")
        cls.status_hold.severity = "warning"
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jo Purchasing", "parent_id": cls.customer.id}
        )
        cls.bystander = cls.make_customer("Bystander")
        cls.collector = new_test_user(
            cls.env,
            "helpdesk_banner_collector",
            groups="collection_queues.group_collection_user",
            company_id=cls.company.id,
        )
        cls.agent = new_test_user(
            cls.env,
            "helpdesk_banner_agent",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
            company_id=cls.company.id,
        )
        cls.ticket = cls.make_ticket(cls.customer)
        cls.contact_ticket = cls.make_ticket(cls.contact)
        cls.bystander_ticket = cls.make_ticket(cls.bystander)

    @classmethod
    def make_ticket(cls, partner):
        return (
            cls.env["helpdesk.ticket"]
            .sudo()
            .create(
                {
                    "name": f"Printer down at {partner.name}",
                    "description": "<p>The printer does not start.</p>",
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                }
            )
            .sudo(False)
        )

    def put_in_legal(self):
        self.customer.collection_put_in_queue(self.legal.id)
        self.customer.collection_change_status(self.status_hold.id)
        self.entry(self.customer).collector_id = self.collector

    def read_banner(self, ticket):
        return ticket.with_user(self.agent).read(
            [
                "in_collections",
                "collection_status_id",
                "collection_queue_name",
                "collection_collector_id",
                "collection_banner_severity",
            ]
        )[0]

    def test_the_agent_has_no_accounting_nor_collections_rights(self):
        for group in (
            "account.group_account_invoice",
            "account.group_account_readonly",
            "collection_queues.group_collection_user",
        ):
            self.assertFalse(self.agent.has_group(group), group)
        self.assertTrue(self.agent.has_group("helpdesk_mgmt.group_helpdesk_user"))

    def test_agent_sees_the_banner_of_the_tickets_customer(self):
        self.put_in_legal()
        values = self.read_banner(self.ticket)
        self.assertTrue(values["in_collections"])
        self.assertEqual(values["collection_status_id"][0], self.status_hold.id)
        self.assertEqual(values["collection_queue_name"], "Legal")
        self.assertEqual(values["collection_collector_id"][0], self.collector.id)
        self.assertEqual(values["collection_banner_severity"], "warning")

    def test_ticket_of_a_contact_shows_the_customers_banner(self):
        self.put_in_legal()
        values = self.read_banner(self.contact_ticket)
        self.assertTrue(values["in_collections"])
        self.assertEqual(values["collection_queue_name"], "Legal")
        self.assertEqual(values["collection_status_id"][0], self.status_hold.id)

    def test_customer_not_in_collections_has_no_banner(self):
        self.put_in_legal()
        values = self.read_banner(self.bystander_ticket)
        self.assertFalse(values["in_collections"])
        self.assertFalse(values["collection_status_id"])
        self.assertFalse(values["collection_queue_name"])
        self.assertFalse(values["collection_banner_severity"])

    def test_agent_sees_nothing_else_of_collections(self):
        self.put_in_legal()
        ticket = self.ticket.with_user(self.agent)
        with self.assertRaises(AccessError):
            ticket.read(["collection_queue_id"])
        with self.assertRaises(AccessError):
            self.env["collection.queue"].with_user(self.agent).search([])
        with self.assertRaises(AccessError):
            self.entry(self.customer).with_user(self.agent).read(["status_id"])

    def test_banner_follows_the_customer(self):
        ticket = self.ticket.with_user(self.agent)
        self.assertFalse(ticket.in_collections)
        self.put_in_legal()
        self.assertTrue(ticket.in_collections)
        self.customer.collection_remove_from_queue()
        self.assertFalse(ticket.in_collections)

    def test_banner_on_a_new_ticket_before_saving(self):
        """The banner follows the customer chosen on a new ticket, before it is
        saved (the onchange the web client calls with the widget's fields)."""
        self.put_in_legal()
        tickets = self.env["helpdesk.ticket"].search_count([])
        form = BannerForm(self.env["helpdesk.ticket"].with_user(self.agent))
        self.assertFalse(form.in_collections)
        form.partner_id = self.contact
        self.assertTrue(form.in_collections)
        self.assertEqual(form.collection_status_id, self.status_hold)
        self.assertEqual(form.collection_queue_name, "Legal")
        self.assertEqual(form.collection_collector_id, self.collector)
        self.assertEqual(form.collection_banner_severity, "warning")
        form.partner_id = self.bystander
        self.assertFalse(form.in_collections)
        self.assertFalse(form.collection_queue_name)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), tickets)

    def test_ticket_form_carries_the_banner(self):
        arch = etree.fromstring(
            self.env["helpdesk.ticket"]
            .with_user(self.agent)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertTrue(arch.xpath("//widget[@name='collection_banner']"))
