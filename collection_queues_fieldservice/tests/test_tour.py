# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.collection_queues.tests.tour_common import CollectionTourCase


@tagged("post_install", "-at_install")
class TestFieldServiceTour(CollectionTourCase):
    def test_banner_on_a_new_order_before_saving(self):
        dispatcher = new_test_user(
            self.env,
            "tour_dispatcher",
            groups="base.group_user,fieldservice.group_fsm_dispatcher",
            company_id=self.company.id,
        )
        for group in (
            "account.group_account_invoice",
            "account.group_account_readonly",
            "collection_queues.group_collection_user",
        ):
            self.assertFalse(dispatcher.has_group(group), group)
        self.customer.collection_change_status(self.promised.id)
        self.env["fsm.location"].create(
            {"name": "Tour Site", "owner_id": self.customer.id}
        )
        orders = self.env["fsm.order"].search_count([])
        self.start_tour(
            "/odoo", "collection_queues_new_fsm_order_tour", login="tour_dispatcher"
        )
        self.assertEqual(
            self.env["fsm.order"].search_count([]), orders, "the banner needs no save"
        )
        with self.assertRaises(AccessError):
            self.env["collection.queue"].with_user(dispatcher).search([])
        with self.assertRaises(AccessError):
            self.entry.with_user(dispatcher).read(["status_id"])
