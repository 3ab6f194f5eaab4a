# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import new_test_user, tagged

from odoo.addons.collection_queues.tests.tour_common import CollectionTourCase


@tagged("post_install", "-at_install")
class TestSaleTour(CollectionTourCase):
    def test_salesperson_sees_the_banner_and_nothing_else(self):
        salesperson = new_test_user(
            self.env,
            "tour_salesperson",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
        )
        self.customer.collection_change_status(self.promised.id)
        self.env["sale.order"].create(
            {"partner_id": self.customer.id, "user_id": salesperson.id}
        )
        self.start_tour(
            f"/odoo/res.partner/{self.customer.id}",
            "collection_queues_salesperson_tour",
            login="tour_salesperson",
        )

    def test_banner_on_a_new_quotation_before_saving(self):
        new_test_user(
            self.env,
            "tour_new_quotation",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
        )
        self.customer.collection_change_status(self.promised.id)
        orders = self.env["sale.order"].search_count([])
        self.start_tour(
            "/odoo/action-sale.action_quotations/new",
            "collection_queues_new_quotation_tour",
            login="tour_new_quotation",
        )
        self.assertEqual(
            self.env["sale.order"].search_count([]), orders, "the banner needs no save"
        )
