# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestHelpdeskDemo(TransactionCase):
    """The demo's helpdesk agent: the Helpdesk app only, and the banner on his
    ticket."""

    def test_the_agent_sees_the_banner_and_nothing_else(self):
        agent = self.env.ref(
            "collection_queues_helpdesk.demo_user_agent", raise_if_not_found=False
        )
        if not agent:
            self.skipTest("installed without demo data")
        self.assertEqual(agent.login, "agent")
        self.assertTrue(agent.has_group("helpdesk_mgmt.group_helpdesk_user"))
        for group in (
            "account.group_account_invoice",
            "account.group_account_readonly",
            "collection_queues.group_collection_user",
        ):
            self.assertFalse(agent.has_group(group), group)
        ticket = self.env.ref("collection_queues_helpdesk.demo_ticket_harbor_dental")
        self.assertEqual(ticket.user_id, agent)
        values = ticket.with_user(agent).read(
            ["in_collections", "collection_status_id"]
        )
        self.assertTrue(values[0]["in_collections"])
        self.assertTrue(values[0]["collection_status_id"])
        with self.assertRaises(AccessError):
            self.env["collection.queue"].with_user(agent).search([])
