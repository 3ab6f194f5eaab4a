# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import CollectionCase, days_ago, real_days_ago


@tagged("post_install", "-at_install")
class TestBanner(CollectionCase):
    """What everybody sees of a customer in collections: on the partner, its
    contacts and its invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jo Accounts", "parent_id": cls.customer.id}
        )
        cls.invoice = cls.make_invoice(cls.contact, 300, due=days_ago(10))
        cls.bystander = cls.make_customer("Bystander")

    def test_partner_and_contacts(self):
        self.assertFalse(self.customer.in_collections)
        self.refresh()
        for partner in (self.customer, self.contact):
            self.assertTrue(partner.in_collections)
            self.assertEqual(partner.collection_status_id, self.status_late)
            self.assertEqual(partner.collection_queue_name, "1-30")
            self.assertEqual(partner.collection_profile_id, self.p_1_30)
        Partner = self.env["res.partner"]
        in_collections = Partner.search([("in_collections", "=", True)])
        self.assertIn(self.customer, in_collections)
        self.assertIn(self.contact, in_collections)
        self.assertNotIn(self.bystander, in_collections)
        self.assertIn(self.bystander, Partner.search([("in_collections", "=", False)]))
        self.assertNotIn(
            self.customer, Partner.search([("in_collections", "!=", True)])
        )
        entry = self.entry(self.customer)
        self.assertEqual(
            Partner.search([("collection_queue_id", "=", entry.id)]),
            self.customer | self.contact,
        )

    def test_the_banner_takes_the_colour_of_the_status(self):
        self.assertFalse(self.customer.collection_banner_severity, "no banner")
        self.refresh()
        self.assertEqual(self.status_late.severity, "danger", "by default")
        self.assertEqual(self.customer.collection_banner_severity, "danger")
        self.status_late.severity = "warning"
        seller = self.make_user("banner_seller", "base.group_user")
        self.assertEqual(
            self.customer.with_user(seller).collection_banner_severity, "warning"
        )
        self.entry(self.customer).sudo().write({"status_id": False})
        self.env["collection.banner.mixin"]._collection_invalidate_banners()
        self.assertEqual(
            self.customer.collection_banner_severity, "danger", "no status: danger"
        )
        shipped = self.env.ref("collection_queues.status_promise_to_pay")
        self.assertEqual(shipped.severity, "info")

    def test_invoices_and_credit_notes(self):
        refund = self.make_invoice(
            self.customer, 20, move_type="out_refund", due=days_ago(1)
        )
        bill = self.make_invoice(
            self.customer, 50, move_type="in_invoice", due=days_ago(1)
        )
        self.refresh()
        for move in (self.invoice, refund):
            self.assertEqual(move.collection_status_id, self.status_late)
            self.assertEqual(move.collection_profile_id, self.p_1_30)
            self.assertEqual(move.collection_queue_name, "1-30")
        self.assertFalse(bill.collection_status_id, "vendor bills show nothing")
        self.assertFalse(bill.in_collections)

    def test_banner_follows_changes_in_the_same_transaction(self):
        self.refresh()
        self.assertTrue(self.invoice.in_collections)
        self.pay(self.invoice)
        self.refresh()
        self.assertFalse(self.customer.in_collections)
        self.assertFalse(self.invoice.in_collections)
        self.assertFalse(self.invoice.collection_status_id)

    def test_banner_visible_to_every_internal_user(self):
        self.refresh()
        salesman = new_test_user(
            self.env,
            login="sally",
            groups="base.group_user",
            company_id=self.company.id,
        )
        partner = self.customer.with_user(salesman)
        self.assertEqual(partner.collection_status_id.name, "Late")
        self.assertEqual(partner.collection_queue_name, "1-30")
        self.assertTrue(partner.in_collections)

    def test_banner_on_new_records_before_saving(self):
        """The banner follows the customer chosen on a form, before saving (the
        web client's onchange, as the banner widget asks for its fields)."""
        self.refresh()
        banner_fields = [
            "in_collections",
            "collection_queue_name",
            "collection_status_id",
        ]

        def banner(model, values, changed):
            return (
                self.env[model]
                .onchange(
                    values,
                    [changed],
                    {name: {} for name in [*banner_fields, *values]},
                )
                .get("value", {})
            )

        shown = banner(
            "account.move",
            {"move_type": "out_invoice", "partner_id": self.contact.id},
            "partner_id",
        )
        self.assertTrue(shown["in_collections"])
        self.assertEqual(shown["collection_queue_name"], "1-30")
        self.assertEqual(shown["collection_status_id"], self.status_late.id)
        shown = banner(
            "account.move",
            {"move_type": "out_invoice", "partner_id": self.bystander.id},
            "partner_id",
        )
        self.assertFalse(shown.get("in_collections"))
        shown = banner(
            "res.partner",
            {"name": "New Contact", "parent_id": self.customer.id},
            "parent_id",
        )
        self.assertTrue(shown["in_collections"])

    def test_days_past_due_of_an_invoice(self):
        term = self.payment_term((50, 0), (50, 30))
        invoice = self.make_invoice(
            self.customer, 1000, payment_term=term, invoice_date=real_days_ago(45)
        )
        self.assertEqual(invoice.days_past_due, 45, "the oldest open instalment")
        self.pay(invoice, 500, payment_date=fields.Date.today())
        invoice.invalidate_recordset(["days_past_due"])
        self.assertEqual(invoice.days_past_due, 15)
        self.pay(invoice)
        invoice.invalidate_recordset(["days_past_due"])
        self.assertEqual(invoice.days_past_due, 0)
        draft = self.make_invoice(self.customer, 10, due=real_days_ago(5), post=False)
        self.assertEqual(draft.days_past_due, 0)
