# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.collection_queues.tests.tour_common import CollectionTourCase


@tagged("post_install", "-at_install")
class TestHelpdeskTour(CollectionTourCase):
    def test_banner_on_a_new_ticket_before_saving(self):
        agent = new_test_user(
            self.env,
            "tour_helpdesk_agent",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
            company_id=self.company.id,
        )
        for group in (
            "account.group_account_invoice",
            "account.group_account_readonly",
            "collection_queues.group_collection_user",
        ):
            self.assertFalse(agent.has_group(group), group)
        self.customer.collection_change_status(self.promised.id)
        Ticket = self.env["helpdesk.ticket"].with_context(active_test=False)
        tickets = Ticket.search_count([])
        self.start_tour("/odoo", "collection_queues_new_ticket_tour", login=agent.login)
        self.assertEqual(Ticket.search_count([]), tickets, "the banner needs no save")
        with self.assertRaises(AccessError):
            self.env["collection.queue"].with_user(agent).search([])
