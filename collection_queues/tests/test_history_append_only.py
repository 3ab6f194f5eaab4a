# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import CollectionCase, days_ago


@tagged("post_install", "-at_install")
class TestHistory(CollectionCase):
    """The collection history is append-only; the partner shows all of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.collector = new_test_user(
            cls.env,
            login="carla",
            groups="base.group_user,collection_queues.group_collection_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def test_nobody_rewrites_or_deletes_system_lines(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.refresh()
        line = self.history(self.customer, "added")
        for user in (self.env.user, self.collector):  # a manager, a collector
            line_as_user = line.with_user(user)
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    line_as_user.note = "Rewritten"
                with self.assertRaises(UserError):
                    line_as_user.active = False
                with self.assertRaises(AccessError):
                    line_as_user.unlink()
        # Not even the superuser, through code.
        with self.assertRaises(UserError):
            line.sudo().note = "Rewritten"
        with self.assertRaises(UserError):
            line.sudo().unlink()
        self.assertTrue(line.active)

    def test_users_archive_the_lines_they_logged(self):
        self.customer.collection_put_in_queue(self.p_watch)
        logged = self.Activity.browse(
            self.customer.with_user(self.collector).collection_log(
                self.type_call, "Wrong customer"
            )
        )
        with self.assertRaises(UserError):
            logged.with_user(self.collector).note = "Changed"
        logged.with_user(self.collector).active = False
        self.assertFalse(logged.active)
        self.assertIn(logged, self.history(self.customer), "archived, not deleted")
        with self.assertRaises(AccessError):
            logged.with_user(self.env.user).unlink()
        # Nor can anyone add a line by hand.
        with self.assertRaises(AccessError):
            self.Activity.with_user(self.collector).create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "activity_type_id": self.type_call.id,
                }
            )

    def test_whole_history_newest_first_across_stays(self):
        invoice = self.make_invoice(self.customer, 600, due=days_ago(50))
        self.refresh()  # added to 31-60
        self.refresh(on=days_ago(-20))  # moved to 61-90
        payment = self.pay(invoice)
        self.refresh(on=days_ago(-20))  # removed
        payment.action_draft()  # cancelled: owing again
        self.refresh(on=days_ago(-20))  # added again, a new stay
        history = self.customer.collection_activity_ids
        self.assertEqual(
            [(line.activity_type_id.code, line.profile_id) for line in history],
            [
                ("added", self.p_61_90),
                ("removed", self.p_61_90),
                ("moved", self.p_61_90),
                ("added", self.p_31_60),
            ],
        )
        self.assertEqual(len(history.queue_id), 3, "three stays")
        self.assertEqual(
            history.mapped("date"), sorted(history.mapped("date"), reverse=True)
        )


@tagged("post_install", "-at_install")
class TestActivityTypes(CollectionCase):
    def test_system_types_exist_and_are_protected(self):
        Type = self.env["collection.activity.type"]
        codes = {
            "added",
            "moved",
            "removed",
            "status",
            "note",
            "letter",
            "promise",
            "promise_kept",
            "promise_broken",
        }
        system = Type.search([("is_system", "=", True)])
        self.assertEqual(set(system.mapped("code")), codes)
        added = system.filtered(lambda t: t.code == "added")
        for vals in ({"name": "Renamed"}, {"code": "other"}, {"active": False}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                added.write(vals)
        with self.assertRaises(UserError):
            added.unlink()
        with self.assertRaises(UserError):
            added.sudo().write({"name": "Renamed by code"})
        with self.assertRaises(UserError):
            added.sudo().unlink()
        with self.assertRaises(UserError):
            Type.create({"name": "Fake", "code": "fake", "is_system": True})
        self.assertEqual(added.name, "Added to Queue")

    def test_managers_add_their_own(self):
        Type = self.env["collection.activity.type"]
        visit = Type.create({"name": "Site visit", "code": "site_visit"})
        visit.name = "Visit on site"
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            Type.create({"name": "Again", "code": "site_visit"})
        profile = self.make_profile("Watch")
        customer = self.make_customer("Acme")
        customer.collection_put_in_queue(profile)
        customer.collection_log(visit)
        with self.assertRefused(UserError, "archive it"):
            visit.unlink()
        visit.action_archive()
        with self.assertRaises(UserError):
            customer.collection_log(visit)
        unused = Type.create({"name": "Unused", "code": "unused"})
        unused.unlink()
