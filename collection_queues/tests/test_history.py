# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CollectionCase, days_ago

MANAGER = "collection_queues.group_collection_manager"
COLLECTION_USER = "collection_queues.group_collection_user"


@tagged("post_install", "-at_install")
class TestHistoryAppendOnly(CollectionCase):
    """Nobody edits or deletes the collection history, not even code running as
    the superuser; users may only archive the events and notes they logged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.manager = cls.make_user("mona", MANAGER, name="Mona Manager")
        cls.collector = cls.make_user("carla", COLLECTION_USER, name="Carla Collector")

    def system_lines(self):
        """A customer's lines of every kind the application writes itself."""
        invoice = self.make_invoice(self.customer, 600, due=days_ago(50))
        self.refresh()  # added
        self.customer.collection_change_status(self.status_call)  # status
        self.refresh(on=days_ago(-20))  # moved
        self.pay(invoice)
        self.refresh(on=days_ago(-20))  # removed
        lines = self.history(self.customer)
        self.assertEqual(
            sorted(lines.activity_type_id.mapped("code")),
            ["added", "moved", "removed", "status"],
        )
        return lines

    def test_nobody_rewrites_system_lines(self):
        lines = self.system_lines()
        before = lines.read()
        for user in (self.manager, self.collector, self.env.user):
            for line in lines.with_user(user):
                for vals in (
                    {"note": "Rewritten"},
                    {"active": False},
                    {"date": "2020-01-01 00:00:00"},
                    {"profile_id": self.p_watch.id},
                    {"status_id": self.status_hold.id},
                    {"user_id": user.id},
                ):
                    with (
                        self.subTest(
                            user=user.login,
                            code=line.activity_type_id.code,
                            vals=vals,
                        ),
                        self.assertRaises(UserError),
                    ):
                        line.write(vals)
        self.env.invalidate_all()
        self.assertEqual(lines.read(), before)

    def test_nobody_deletes_a_line(self):
        lines = self.system_lines()
        self.customer.collection_put_in_queue(self.p_watch)
        logged = self.Activity.browse(
            self.customer.collection_log(self.type_call, "Called")
        )
        lines |= logged
        for user in (self.manager, self.collector, self.env.user):
            for line in lines.with_user(user):
                with (
                    self.subTest(user=user.login, code=line.activity_type_id.code),
                    self.assertRaises(UserError),  # an AccessError is one too
                ):
                    line.unlink()
        self.assertEqual(lines.exists(), lines)

    def test_not_even_the_superuser_rewrites_or_deletes_a_system_line(self):
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
                # Users have no right to delete at all.
                with self.assertRaises(AccessError):
                    line_as_user.unlink()
        # Not even the superuser, through code.
        with self.assertRaises(UserError):
            line.sudo().note = "Rewritten"
        with self.assertRaises(UserError):
            line.sudo().unlink()
        self.assertTrue(line.active)

    def test_manager_archives_a_logged_line_but_cannot_rewrite_it(self):
        self.customer.collection_put_in_queue(self.p_watch)
        logged = self.Activity.browse(
            self.customer.with_user(self.collector).collection_log(
                self.type_call, "Wrong customer", followup_date=days_ago(-3)
            )
        )
        self.assertTrue(logged.is_manual)
        as_manager = logged.with_user(self.manager)
        for vals in (
            {"note": "Changed"},
            {"note": "Changed", "active": False},
            {"followup_date": days_ago(-10)},
            {
                "activity_type_id": self.env.ref(
                    "collection_queues.activity_type_note"
                ).id
            },
            {"partner_id": self.make_customer("Somebody else").id},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                as_manager.write(vals)
        self.assertTrue(logged.active)
        self.assertIn("Wrong customer", logged.note)
        as_manager.write({"active": False})
        self.assertFalse(logged.active)
        # Archived, not deleted: still in the full history.
        self.assertIn(logged, self.history(self.customer))
        self.assertNotIn(
            logged, self.Activity.search([("partner_id", "=", self.customer.id)])
        )
        with self.assertRaises(UserError):
            as_manager.unlink()
        self.assertTrue(logged.exists())

    def test_collector_archives_a_line_they_logged_but_cannot_rewrite_it(self):
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

    def test_logged_notes_can_be_archived_but_not_status_lines(self):
        self.customer.collection_put_in_queue(self.p_watch)
        note_type = self.env.ref("collection_queues.activity_type_note")
        note = self.Activity.browse(
            self.customer.collection_log(note_type, "Owner travels until May")
        )
        note.with_user(self.manager).active = False
        self.assertFalse(note.active)
        # An event logged with a new status: the status line is the application's.
        self.customer.collection_log(self.type_call, status=self.status_hold)
        status_line = self.history(self.customer, "status")
        self.assertFalse(status_line.is_manual)
        with self.assertRaises(UserError):
            status_line.with_user(self.manager).active = False
        self.assertTrue(status_line.active)

    def test_nobody_adds_a_line_by_hand(self):
        for user in (self.manager, self.collector):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Activity.with_user(user).create(
                    {
                        "partner_id": self.customer.id,
                        "company_id": self.company.id,
                        "activity_type_id": self.type_call.id,
                    }
                )


@tagged("post_install", "-at_install")
class TestHistoryOfTheCustomer(CollectionCase):
    """The customer's history: every stay, newest first, each line with the
    queue the customer was in at that time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.bystander = cls.make_customer("Bystander")

    def live_through_collections(self):
        """Four stays: placed by the rules, moved by them, moved and removed by a
        user, placed by the rules again."""
        self.make_invoice(self.customer, 600, due=days_ago(50))
        self.make_invoice(self.bystander, 300, due=days_ago(10))
        self.refresh()  # added to 31-60
        self.customer.collection_log(self.type_call, "No answer")
        self.refresh(on=days_ago(-20))  # moved to 61-90
        self.customer.collection_change_status(self.status_hold)
        self.customer.collection_move_to_queue(self.p_legal)
        self.customer.collection_log(self.type_call, "Lawyer called")
        self.customer.collection_remove_from_queue()
        self.refresh(on=days_ago(-20))  # added to 61-90 again
        return [
            ("added", self.p_61_90),
            ("removed", self.p_legal),
            (self.type_call.code, self.p_legal),
            ("moved", self.p_legal),
            ("status", self.p_61_90),
            ("moved", self.p_61_90),
            (self.type_call.code, self.p_31_60),
            ("added", self.p_31_60),
        ]

    def test_whole_history_across_stays_newest_first(self):
        expected = self.live_through_collections()
        history = self.customer.collection_activity_ids
        self.assertEqual(
            [(line.activity_type_id.code, line.profile_id) for line in history],
            expected,
        )
        self.assertEqual(history.partner_id, self.customer, "the customer's only")
        self.assertEqual(len(history.queue_id), 4, "four stays")
        self.assertEqual(
            len(self.Queue.search([("partner_id", "=", self.customer.id)])), 4
        )
        # The same lines, in the same order, as searching the history.
        self.assertEqual(
            self.customer.collection_activity_ids,
            self.Activity.search(
                [("partner_id", "=", self.customer.id)], order="date desc, id desc"
            ),
        )

    def test_whole_history_newest_first_after_a_cancelled_payment(self):
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

    def test_history_is_ordered_by_date_then_id(self):
        self.live_through_collections()
        lines = self.history(self.customer)
        oldest = lines.sorted("id")[0]
        # A line dated later than the others comes first, whatever its id.
        self.env.cr.execute(
            "UPDATE collection_activity SET date = date + interval '1 day' WHERE id = %s",
            [oldest.id],
        )
        self.env.invalidate_all()
        history = self.customer.collection_activity_ids
        self.assertEqual(history[0], oldest)
        self.assertEqual(
            history.ids,
            [
                line.id
                for line in sorted(
                    history, key=lambda line: (line.date, line.id), reverse=True
                )
            ],
        )

    def test_each_line_names_the_queue_of_its_time(self):
        self.live_through_collections()
        for line in self.history(self.customer):
            with self.subTest(code=line.activity_type_id.code, line=line.id):
                self.assertEqual(line.profile_id, line.queue_id.profile_id)
                self.assertEqual(line.company_id, self.company)
        moves = self.history(self.customer, "moved").sorted("id")
        self.assertEqual(
            [(line.from_profile_id, line.profile_id) for line in moves],
            [(self.p_31_60, self.p_61_90), (self.p_61_90, self.p_legal)],
        )
        # Closing the queues later does not rewrite what happened then.
        self.p_31_60.action_archive()
        self.assertEqual(
            self.history(self.customer, "added").sorted("id")[0].profile_id,
            self.p_31_60,
        )


@tagged("post_install", "-at_install")
class TestActivityTypes(CollectionCase):
    """The application's own activity types are fixed, even for code running as
    the superuser; managers add their own."""

    SYSTEM_CODES = ("added", "moved", "removed", "status", "note", "letter")
    # Every system type, those of the promises included.
    ALL_SYSTEM_CODES = {
        "added",
        "moved",
        "removed",
        "status",
        "note",
        "letter",
        "promise",
        "promise_kept",
        "promise_broken",
        "step",
        "dispute",
        "dispute_closed",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.make_user("mona", MANAGER, name="Mona Manager")
        cls.collector = cls.make_user("carla", COLLECTION_USER, name="Carla Collector")
        cls.Type = cls.env["collection.activity.type"]

    def system_type(self, code):
        return self.Type.with_context(active_test=False).search([("code", "=", code)])

    def test_system_types_exist(self):
        for code in self.SYSTEM_CODES:
            with self.subTest(code=code):
                activity_type = self.system_type(code)
                self.assertEqual(len(activity_type), 1)
                self.assertTrue(activity_type.is_system)
                self.assertTrue(activity_type.active)

    def test_system_types_cannot_be_renamed_or_deleted(self):
        for user in (self.manager, self.env.user):
            for code in self.SYSTEM_CODES:
                activity_type = self.system_type(code).with_user(user)
                name = activity_type.name
                for vals in (
                    {"name": "Renamed"},
                    {"code": f"{code}_renamed"},
                    {"is_system": False},
                    {"active": False},
                ):
                    with (
                        self.subTest(user=user.login, code=code, vals=vals),
                        self.assertRaises(UserError),
                    ):
                        activity_type.write(vals)
                with (
                    self.subTest(user=user.login, code=code, unlink=True),
                    self.assertRaises(UserError),
                ):
                    activity_type.unlink()
                self.assertEqual(activity_type.name, name)
                self.assertEqual(activity_type.code, code)
        with self.assertRaises(UserError):
            self.Type.with_user(self.manager).create(
                {"name": "Fake system", "code": "fake", "is_system": True}
            )

    def test_system_types_are_exactly_these_and_protected_even_from_sudo(self):
        system = self.Type.search([("is_system", "=", True)])
        self.assertEqual(set(system.mapped("code")), self.ALL_SYSTEM_CODES)
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
            self.Type.create({"name": "Fake", "code": "fake", "is_system": True})
        self.assertEqual(added.name, "Added to Queue")

    def test_system_types_cannot_be_renamed_through_an_import(self):
        added = self.system_type("added")
        result = self.Type.with_user(self.manager).load(
            ["id", "name"], [["collection_queues.activity_type_added", "Renamed"]]
        )
        self.assertFalse(result["ids"], result)
        self.assertTrue(result["messages"])
        self.env.invalidate_all()
        self.assertEqual(added.name, "Added to Queue")

    def test_system_types_cannot_be_renamed_through_the_translation_dialog(self):
        added = self.system_type("added").with_user(self.manager)
        with self.assertRaises(UserError):
            added.update_field_translations("name", {"en_US": "Renamed"})
        self.env.invalidate_all()
        self.assertEqual(added.name, "Added to Queue")

    def test_a_callers_context_grants_no_right_on_system_types(self):
        # A client controls the context it sends: the data loader's flag in it
        # must not unlock the system types.
        added = self.system_type("added")
        Type = self.Type.with_user(self.manager).with_context(install_mode=True)
        for vals in ({"name": "Renamed"}, {"is_system": False}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                added.with_env(Type.env).write(vals)
        with self.assertRaises(UserError):
            Type.create({"name": "Fake system", "code": "fake", "is_system": True})
        self.env.invalidate_all()
        self.assertEqual(added.name, "Added to Queue")
        self.assertTrue(added.is_system)

    def test_managers_add_their_own_types(self):
        Type = self.Type.with_user(self.manager)
        promise = Type.create({"name": "Promise to pay (test)", "code": "test_promise"})
        self.assertFalse(promise.is_system)
        promise.name = "Promised to pay"
        self.assertEqual(promise.name, "Promised to pay")
        unused = Type.create({"name": "Unused", "code": "test_unused"})
        unused.unlink()
        self.assertFalse(unused.exists())
        # Collectors use them but do not configure them.
        with self.assertRaises(AccessError):
            self.Type.with_user(self.collector).create(
                {"name": "Mine", "code": "test_mine"}
            )

    def test_own_type_codes_are_unique_and_archived_types_cannot_be_logged(self):
        visit = self.Type.create({"name": "Site visit", "code": "site_visit"})
        visit.name = "Visit on site"
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.Type.create({"name": "Again", "code": "site_visit"})
        profile = self.make_profile("Watch")
        customer = self.make_customer("Acme")
        customer.collection_put_in_queue(profile)
        customer.collection_log(visit)
        with self.assertRefused(UserError, "archive it"):
            visit.unlink()
        visit.action_archive()
        with self.assertRaises(UserError):
            customer.collection_log(visit)
        unused = self.Type.create({"name": "Unused", "code": "unused"})
        unused.unlink()

    def test_a_type_used_in_the_history_cannot_be_deleted(self):
        visit = self.Type.with_user(self.manager).create(
            {"name": "Site visit", "code": "test_site_visit"}
        )
        profile = self.make_profile("Watch")
        customer = self.make_customer("Acme Plumbing")
        customer.collection_put_in_queue(profile)
        line = self.Activity.browse(customer.collection_log(visit, "Nobody on site"))
        with self.assertRefused(UserError, "archive it"):
            visit.unlink()
        # Even once its only line is archived.
        line.active = False
        with self.assertRaises(UserError):
            visit.with_user(self.manager).unlink()
        self.assertTrue(visit.exists())
        visit.with_user(self.manager).action_archive()
        self.assertFalse(visit.active)

    def test_custom_types_cannot_become_system_types(self):
        custom = self.Type.create({"name": "Site visit", "code": "test_site_visit"})
        with self.assertRaises(UserError):
            custom.write({"is_system": True})
        self.assertFalse(custom.is_system)
