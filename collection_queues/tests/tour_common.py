# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user


class CollectionTourCase(HttpCase):
    """What the browser tours work on, in the main company next to the demo data:
    a queue with a customer and their collector, a status and an event type of
    their own (so that the tours find exactly what they look for)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.collector = new_test_user(
            env,
            "tour_collector",
            groups="base.group_user,collection_queues.group_collection_user",
            company_id=cls.company.id,
            name="Tour Collector",
        )
        cls.promised = env["collection.status"].create({"name": "Tour Promised"})
        env["collection.activity.type"].create(
            {"name": "Tour Call", "code": "tour_call"}
        )
        cls.queue = env["collection.profile"].create(
            {"name": "Tour Queue", "company_id": cls.company.id}
        )
        cls.customer = env["res.partner"].create(
            {"name": "Tour Customer", "is_company": True}
        )
        cls.customer.collection_put_in_queue(cls.queue.id)
        cls.entry = env["collection.queue"].search(
            [("partner_id", "=", cls.customer.id), ("state", "=", "open")]
        )
        cls.entry.collector_id = cls.collector

    @classmethod
    def make_invoice(cls, partner, amount, days_late):
        due = fields.Date.context_today(cls.env.user) - timedelta(days=days_late)
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": due,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Services",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice
