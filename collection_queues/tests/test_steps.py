# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import BaseCase, new_test_user, tagged

from ..models.collection_queue import CollectionQueue
from ..tools import steps
from .common import TODAY, CollectionCase, days_ago
from .test_rpc import CollectionRpcCase, RpcError

COLLECTION_USER = "base.group_user,collection_queues.group_collection_user"
COLLECTION_MANAGER = "base.group_user,collection_queues.group_collection_manager"


def day(number):
    """The date ``number`` days after the customers entered their queue."""
    return TODAY + timedelta(days=number)


@tagged("post_install", "-at_install", "collection_queues_pure")
class TestStepPlan(BaseCase):
    """The decision on its own."""

    def due(self, step_id, action, day_number, hold=None):
        return steps.DueStep(1, step_id, action, day_number, 10, hold, None)

    def test_missed_steps_of_a_kind_collapse_to_the_latest(self):
        decisions = steps.plan(
            [
                self.due(1, "email", 0),
                self.due(2, "todo", 3),
                self.due(3, "email", 10),
            ]
        )
        outcome = {due.step_id: result for due, result, _hold, _value in decisions}
        self.assertEqual(outcome, {1: steps.SKIP, 2: steps.RUN, 3: steps.RUN})

    def test_a_held_latest_step_still_passes_over_the_earlier(self):
        decisions = steps.plan(
            [self.due(1, "email", 0), self.due(2, "email", 10, hold="promise")]
        )
        outcome = {due.step_id: result for due, result, _hold, _value in decisions}
        self.assertEqual(outcome, {1: steps.SKIP, 2: steps.HOLD})

    def test_one_letter_a_day(self):
        decisions = steps.plan([self.due(1, "print", 0), self.due(2, "email", 2)])
        outcome = {
            due.step_id: (result, hold) for due, result, hold, _value in decisions
        }
        self.assertEqual(
            outcome,
            {1: (steps.HOLD, steps.HOLD_OTHER_CONTACT), 2: (steps.RUN, None)},
        )


class StepCase(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.reminder = cls.env.ref(
            "collection_queues.mail_template_collection_friendly_reminder"
        )
        cls.second = cls.env.ref(
            "collection_queues.mail_template_collection_second_notice"
        )
        cls.final = cls.env.ref(
            "collection_queues.mail_template_collection_final_notice"
        )
        cls.company.collection_letter_template_id = cls.reminder
        cls.company.collection_quiet_days = 5
        Step = cls.env["collection.profile.step"]
        cls.s_mail0, cls.s_call3, cls.s_mail10, cls.s_status10 = Step.create(
            [
                {
                    "profile_id": cls.p_1_30.id,
                    "name": "Reminder",
                    "day": 0,
                    "action": "email",
                },
                {
                    "profile_id": cls.p_1_30.id,
                    "name": "Call",
                    "day": 3,
                    "action": "todo",
                    "note": "Ask for a payment date.",
                },
                {
                    "profile_id": cls.p_1_30.id,
                    "name": "Second notice",
                    "day": 10,
                    "action": "email",
                    "template_id": cls.second.id,
                },
                {
                    "profile_id": cls.p_1_30.id,
                    "name": "Call first",
                    "day": 10,
                    "action": "status",
                    "status_id": cls.status_call.id,
                },
            ]
        )
        cls.s_print = Step.create(
            {
                "profile_id": cls.p_91.id,
                "name": "Agency letter",
                "day": 0,
                "action": "print",
                "template_id": cls.final.id,
            }
        )
        cls.acme = cls.make_customer("Acme Plumbing", email="ap@acme.example.com")
        cls.bolt = cls.make_customer("Bolt Electric")  # no e-mail address
        cls.make_invoice(cls.acme, 1000, due=days_ago(10))
        cls.make_invoice(cls.bolt, 700, due=days_ago(20))
        cls.Profile.refresh_queues(partners=(cls.acme | cls.bolt).ids)

    def run_steps(self, on, dry_run=False):
        return self.Profile.collection_run_steps(date=on, dry_run=dry_run)

    def mails(self, partner):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "collection.queue"),
                (
                    "res_id",
                    "in",
                    self.Queue.search([("partner_id", "=", partner.id)]).ids,
                ),
            ]
        )

    def todos(self, partner):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "collection.queue"),
                ("res_id", "=", self.entry(partner).id),
            ]
        )

    @staticmethod
    def steps_of(lines, partner=None):
        return sorted(
            line["step_id"]
            for line in lines
            if partner is None or line["partner_id"] == partner.id
        )


@tagged("post_install", "-at_install")
class TestSteps(StepCase):
    def test_a_plan_over_simulated_days(self):
        # Day 0: the reminder goes to Acme; Bolt has no address.
        result = self.run_steps(day(0))
        self.assertEqual(self.steps_of(result["done"]), [self.s_mail0.id])
        (held,) = result["held"]
        self.assertEqual(
            (held["partner_id"], held["step_id"]), (self.bolt.id, self.s_mail0.id)
        )
        self.assertEqual(held["reason"], "No e-mail address")
        self.assertEqual(len(self.mails(self.acme)), 1)
        (line,) = self.history(self.acme, "step")
        self.assertIn("Reminder", line.note)
        self.assertIn("E-mail", line.note)
        self.assertFalse(line.user_id, "the System")
        self.assertEqual(len(self.history(self.acme, "letter")), 1)
        # A rerun the same day does nothing.
        again = self.run_steps(day(0))
        self.assertEqual(again["done"], [])
        self.assertEqual(len(self.history(self.acme, "step")), 1)
        self.assertEqual(len(self.mails(self.acme)), 1)
        # Day 3: the call To-Do, for both.
        result = self.run_steps(day(3))
        self.assertEqual(
            self.steps_of(result["done"]), [self.s_call3.id, self.s_call3.id]
        )
        todo = self.todos(self.acme)
        self.assertEqual(todo.summary, "Call")
        self.assertIn("payment date", str(todo.note))
        # Day 10: the second notice and the status change.
        result = self.run_steps(day(10))
        self.assertEqual(
            self.steps_of(result["done"], self.acme),
            sorted([self.s_mail10.id, self.s_status10.id]),
        )
        self.assertEqual(len(self.mails(self.acme)), 2)
        self.assertEqual(self.entry(self.acme).status_id, self.status_call)
        self.assertEqual(len(self.history(self.acme, "step")), 4)
        # Bolt: the reminder passed over for the second notice, both without
        # an address: held.
        self.assertEqual(self.steps_of(result["held"], self.bolt), [self.s_mail10.id])
        self.assertEqual(self.steps_of(result["skipped"], self.bolt), [self.s_mail0.id])

    def test_an_email_step_with_its_own_template_needs_no_default_one(self):
        """The step's template is the letter, e-mailed with its PDF, in a
        company and a queue that have no letter template of their own."""
        self.company.collection_letter_template_id = False
        self.assertFalse(self.p_1_30.letter_template_id)
        self.s_mail0.template_id = self.reminder
        self.Profile.with_context(force_report_rendering=True).collection_run_steps(
            date=day(0)
        )
        (mail,) = self.mails(self.acme)
        self.assertIn("Friendly reminder", mail.subject)
        self.assertTrue(mail.attachment_ids.raw.startswith(b"%PDF"))

    def test_job_off_for_a_week_runs_only_the_latest_of_a_kind(self):
        result = self.run_steps(day(10))
        self.assertEqual(
            self.steps_of(result["done"], self.acme),
            sorted([self.s_call3.id, self.s_mail10.id, self.s_status10.id]),
        )
        self.assertEqual(self.steps_of(result["skipped"], self.acme), [self.s_mail0.id])
        mail = self.mails(self.acme)
        self.assertEqual(len(mail), 1, "only the second notice")
        self.assertIn("Second", self.history(self.acme, "letter").note)
        self.assertIn(
            "Passed over", " ".join(self.history(self.acme, "step").mapped("note"))
        )
        # Never later either.
        self.assertEqual(self.run_steps(day(20))["done"], [])

    def test_a_crash_between_two_steps_runs_each_once(self):
        self.run_steps(day(0))
        with (
            patch.object(
                CollectionQueue, "_change_status", side_effect=RuntimeError("crash")
            ),
            self.assertRaises(RuntimeError),
            self.env.cr.savepoint(),
        ):
            self.run_steps(day(10))
        self.env.invalidate_all()
        self.assertEqual(len(self.mails(self.acme)), 1, "the crash sent nothing")
        self.assertEqual(len(self.history(self.acme, "step")), 1)
        self.assertFalse(self.todos(self.acme))
        result = self.run_steps(day(10))
        self.assertEqual(
            self.steps_of(result["done"], self.acme),
            sorted([self.s_call3.id, self.s_mail10.id, self.s_status10.id]),
        )
        self.assertEqual(len(self.mails(self.acme)), 2)
        self.assertEqual(len(self.history(self.acme, "step")), 4)
        self.assertEqual(len(self.todos(self.acme)), 1)
        self.assertEqual(self.run_steps(day(10))["done"], [])

    def test_a_step_recorded_by_a_concurrent_run_is_left_alone(self):
        entry = self.entry(self.acme)
        self.env["collection.step.run"].sudo().create(
            {
                "entry_id": entry.id,
                "step_id": self.s_mail0.id,
                "partner_id": self.acme.id,
                "company_id": self.company.id,
                "action": "email",
                "date": day(0),
                "state": "done",
            }
        )
        self.assertEqual(self.steps_of(self.run_steps(day(0))["done"]), [])
        self.assertFalse(self.mails(self.acme))

    def test_held_by_an_open_promise(self):
        self.acme.collection_promise(500.0, day(5))
        result = self.run_steps(day(0))
        (held,) = [
            line for line in result["held"] if line["partner_id"] == self.acme.id
        ]
        self.assertIn("Promise to pay", held["reason"])
        self.assertFalse(self.mails(self.acme))
        # The promised day passed: the reminder goes, and the call.
        result = self.run_steps(day(6))
        self.assertEqual(
            self.steps_of(result["done"], self.acme),
            sorted([self.s_mail0.id, self.s_call3.id]),
        )

    def test_held_by_the_quiet_days(self):
        self.entry(self.acme).collection_send_letters(self.reminder, channel="print")
        result = self.run_steps(day(0))
        (held,) = [
            line for line in result["held"] if line["partner_id"] == self.acme.id
        ]
        self.assertIn("Quiet days", held["reason"])
        # The To-Do is no letter: it does not wait.
        result = self.run_steps(day(3))
        self.assertEqual(self.steps_of(result["done"], self.acme), [self.s_call3.id])
        self.assertEqual(self.steps_of(result["held"], self.acme), [self.s_mail0.id])
        result = self.run_steps(day(5))
        self.assertEqual(self.steps_of(result["done"], self.acme), [self.s_mail0.id])
        self.assertEqual(len(self.mails(self.acme)), 1)

    def test_the_dry_run_is_the_real_run(self):
        for date in (day(0), day(10)):
            before = self.history(self.acme) | self.history(self.bolt)
            dry = self.run_steps(date, dry_run=True)
            self.assertEqual(self.history(self.acme) | self.history(self.bolt), before)
            self.assertFalse(
                self.env["collection.step.run"].search([("date", "=", date)])
            )
            self.assertEqual(self.run_steps(date), dry)

    def test_a_move_starts_the_new_queue_from_its_day_zero(self):
        self.run_steps(day(10))
        self.env["collection.profile.step"].create(
            {
                "profile_id": self.p_watch.id,
                "name": "Watch call",
                "day": 0,
                "action": "todo",
            }
        )
        self.acme.collection_move_to_queue(self.p_watch)
        result = self.run_steps(day(10))
        self.assertEqual(
            [line["profile_id"] for line in result["done"]], [self.p_watch.id]
        )

    def test_printed_letters_wait_for_a_manager(self):
        late = self.make_customer("Late Co", email="late@example.com")
        self.make_invoice(late, 900, due=days_ago(100))
        self.Profile.refresh_queues(partners=late.ids)
        result = self.run_steps(day(0))
        self.assertIn(self.s_print.id, self.steps_of(result["done"], late))
        self.assertFalse(self.history(late, "letter"), "logged when printed")
        letters = self.env["collection.letter.print"].search(
            [("partner_id", "=", late.id)]
        )
        self.assertEqual(letters.state, "waiting")
        action = letters.action_print_waiting()
        self.assertEqual(
            action["report_name"], "collection_queues.report_collection_letter"
        )
        self.assertEqual(
            action["data"]["template_ids"], {str(self.entry(late).id): self.final.id}
        )
        self.assertEqual(letters.state, "printed")
        self.assertIn("Final", self.history(late, "letter").note)
        with self.assertRaisesRegex(UserError, "No letter is waiting"):
            letters.action_print()

    def test_step_values_are_checked(self):
        Step = self.env["collection.profile.step"]
        with self.assertRaisesRegex(UserError, "whole number"), self.env.cr.savepoint():
            Step.create({"profile_id": self.p_1_30.id, "name": "x", "day": "3"})
        with (
            self.assertRaisesRegex(ValidationError, "needs the status"),
            self.env.cr.savepoint(),
        ):
            Step.create({"profile_id": self.p_1_30.id, "name": "x", "action": "status"})
        self.assertEqual(
            Step.create(
                {"profile_id": self.p_61_90.id, "name": "x", "action": "print"}
            ).template_id,
            self.p_61_90.letter_template_id,
        )

    def test_access(self):
        collector = self.make_user("step_collector", COLLECTION_USER)
        with self.assertRaisesRegex(AccessError, "Only collections managers"):
            self.Profile.with_user(collector).collection_run_steps()
        self.assertTrue(
            self.env["collection.profile.step"].with_user(collector).search([])
        )
        with self.assertRaises(AccessError):
            self.s_mail0.with_user(collector).name = "Renamed"
        company_b = self.setup_other_company(name="Steps B")["company"]
        manager_b = new_test_user(
            self.env,
            login="step_manager_b",
            groups=COLLECTION_MANAGER,
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        result = self.Profile.with_user(manager_b).collection_run_steps(date=day(10))
        self.assertEqual(result, {"done": [], "held": [], "skipped": []})
        self.assertFalse(self.history(self.acme, "step"))
        self.assertFalse(
            self.env["collection.profile.step"].with_user(manager_b).search([])
        )


@tagged("post_install", "-at_install")
class TestStepsJob(StepCase):
    def test_the_daily_job_runs_the_steps_after_its_refresh(self):
        self.Profile._cron_refresh_queues()
        self.assertFalse(self.history(self.acme, "step"), "not before the refresh")
        self.Profile._cron_refresh_changed()
        self.Profile._cron_run_steps()
        self.assertEqual(len(self.history(self.acme, "step")), 1)
        self.assertEqual(len(self.mails(self.acme)), 1)
        # Done for today: another call runs nothing.
        self.Profile._cron_run_steps()
        self.assertEqual(len(self.history(self.acme, "step")), 1)


@tagged("post_install", "-at_install")
class TestStepsRpc(CollectionRpcCase, StepCase):
    def test_steps_over_both_protocols(self):
        collector = self.make_user("step_rpc_collector", COLLECTION_USER)
        manager = self.make_user("step_rpc_manager", COLLECTION_MANAGER)
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                result = self.call(
                    protocol, manager, "collection.profile", "collection_run_steps",
                    date=day(0).isoformat(), dry_run=True,
                )  # fmt: skip
                self.assertEqual(
                    self.steps_of(result["done"], self.acme), [self.s_mail0.id]
                )
                self.assertEqual(result["held"][0]["reason"], "No e-mail address")
                self.assertRefusedOverRpc(
                    "AccessError", "Only collections managers", protocol, collector,
                    "collection.profile", "collection_run_steps",
                )  # fmt: skip
                self.assertRefusedOverRpc(
                    "UserError", "not a date", protocol, manager,
                    "collection.profile", "collection_run_steps", "tomorrow",
                )  # fmt: skip
                self.assertRefusedOverRpc(
                    "UserError", "no argument named", protocol, manager,
                    "collection.profile", "collection_run_steps", when="today",
                )  # fmt: skip
        # For real (no e-mail: a PDF rendered within a test request would wait
        # on the test server itself).
        self.acme.email = False
        result = self.call(
            "jsonrpc", manager, "collection.profile", "collection_run_steps",
            day(3).isoformat(),
        )  # fmt: skip
        self.assertEqual(self.steps_of(result["done"], self.acme), [self.s_call3.id])
        self.assertEqual(len(self.history(self.acme, "step")), 1)
        with self.assertRaises(RpcError):
            self.call(
                "xmlrpc", collector, "collection.letter.print", "action_print_waiting"
            )
