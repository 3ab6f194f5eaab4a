# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestNobodyBecomesManagerImplicitly(TransactionCase):
    """Odoo's default user template makes every new user an accounting
    administrator: that must not make them collections managers."""

    def test_a_new_user_gets_nothing_of_collections(self):
        user = self.env["res.users"].create({"name": "New Employee", "login": "new"})
        self.assertTrue(user._is_internal())
        self.assertFalse(user.has_group("collection_queues.group_collection_user"))
        self.assertFalse(user.has_group("collection_queues.group_collection_manager"))

    def test_an_accounting_manager_made_later_gets_nothing_of_collections(self):
        user = self.env["res.users"].create(
            {
                "name": "Chief Accountant",
                "login": "chief",
                "groups_id": [(4, self.env.ref("account.group_account_manager").id)],
            }
        )
        self.assertFalse(user.has_group("collection_queues.group_collection_manager"))

    def test_no_group_implies_collections_manager(self):
        manager = self.env.ref("collection_queues.group_collection_manager")
        implying = self.env["res.groups"].search([("implied_ids", "=", manager.id)])
        self.assertFalse(implying)

    def test_the_accounting_managers_at_install_run_collections(self):
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("collection_queues.group_collection_manager"))
