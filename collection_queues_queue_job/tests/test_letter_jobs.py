# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.collection_queues.tests.common import days_ago
from odoo.addons.collection_queues.tests.test_rpc import CollectionRpcCase
from odoo.addons.queue_job.tests.common import trap_jobs

from ..models import collection_queue
from ..models.collection_refresh_request import CHANNEL


@tagged("post_install", "-at_install")
class TestLetterJobs(CollectionRpcCase):
    """Letters to many customers, made by jobs; their user told by OdooBot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.company.collection_letter_template_id = cls.env.ref(
            "collection_queues.mail_template_collection_friendly_reminder"
        )
        cls.customers = [
            cls.make_customer(f"Customer {n}", email=f"c{n}@example.com")
            for n in range(3)
        ]
        # The first in the 91+ queue, the others in the 31-60 one.
        for customer, days in zip(cls.customers, (100, 40, 40), strict=True):
            cls.make_invoice(customer, 700, due=days_ago(days))
        partners = cls.env["res.partner"].browse([c.id for c in cls.customers])
        cls.Profile.refresh_queues(partners=partners.ids)
        cls.entries = cls.Queue.search(
            [("partner_id", "in", partners.ids), ("state", "=", "open")]
        )
        cls.collector = cls.make_user(
            "letter_job_collector",
            "base.group_user,collection_queues.group_collection_user",
        )

    def setUp(self):
        super().setUp()
        # Two customers are "many" here: the jobs split them one per job.
        for name, value in (("LETTERS_IN_FOREGROUND", 2), ("LETTERS_PER_JOB", 1)):
            patcher = patch.object(collection_queue, name, value)
            patcher.start()
            self.addCleanup(patcher.stop)

    def letter_lines(self):
        return self.Activity.sudo().search_count(
            [
                ("queue_id", "in", self.entries.ids),
                ("activity_type_id.code", "=", "letter"),
            ]
        )

    def odoobot_said(self, user):
        """The messages OdooBot posted in its chat with ``user``."""
        odoobot = self.env.ref("base.partner_root")
        chat = self.env["discuss.channel"].with_user(user).channel_get([odoobot.id])
        return chat.message_ids.filtered(
            lambda message: message.author_id == odoobot
            and message.subject == "Collection letters done"
        )

    def test_emails_to_many_customers_are_jobs_then_a_notification(self):
        entries = self.entries.with_user(self.collector)
        with trap_jobs() as trap:
            result = entries.collection_send_letters(channel="email")
            self.assertEqual(
                sorted(result["queued"]), sorted(self.entries.partner_id.ids)
            )
            trap.assert_jobs_count(3, only=self.Queue._job_deliver_letters)
            trap.assert_jobs_count(1, only=self.Queue._job_letters_done)
            (done,) = [
                j for j in trap.enqueued_jobs if j.method_name == "_job_letters_done"
            ]
            self.assertEqual(len(done.depends_on), 3)
            self.assertTrue(all(job.channel == CHANNEL for job in trap.enqueued_jobs))
            self.assertTrue(
                all(job.user_id == self.collector.id for job in trap.enqueued_jobs)
            )
            self.assertEqual(self.letter_lines(), 0, "nothing made before the jobs run")
            trap.perform_enqueued_jobs()
        self.assertEqual(self.letter_lines(), 3)
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("model", "=", "collection.queue"), ("res_id", "in", self.entries.ids)]
            )
        )
        self.assertEqual(len(mails), 3)
        (notice,) = self.odoobot_said(self.collector)
        self.assertIn("3 customers", notice.body)

    def test_printed_letters_come_attached_to_the_notification(self):
        entries = self.entries.with_user(self.collector)
        with trap_jobs() as trap:
            result = entries.collection_send_letters(channel="print")
            self.assertIn("queued", result)
            trap.perform_enqueued_jobs()
        self.assertEqual(self.letter_lines(), 3)
        (notice,) = self.odoobot_said(self.collector)
        self.assertEqual(len(notice.attachment_ids), 3)
        self.assertTrue(all(a.raw for a in notice.attachment_ids))
        # The letters are the user's: nobody else reads them.
        other = self.make_user(
            "letter_job_other",
            "base.group_user,collection_queues.group_collection_user",
        )
        self.assertFalse(
            self.env["ir.attachment"]
            .with_user(other)
            .search_count([("id", "in", notice.attachment_ids.ids)])
        )

    def test_a_customer_gone_meanwhile_is_left_out(self):
        entries = self.entries.with_user(self.collector)
        with trap_jobs() as trap:
            entries.collection_send_letters(channel="email")
            self.entries[0].sudo().state = "closed"
            trap.perform_enqueued_jobs()
        self.assertEqual(self.letter_lines(), 2)

    def test_a_customer_the_user_may_no_longer_see_is_left_out(self):
        entries = self.entries.with_user(self.collector)
        with trap_jobs() as trap:
            entries.collection_send_letters(channel="email")
            # The 91+ queue closed to the collector meanwhile.
            other = self.make_user(
                "letter_job_other_collector",
                "base.group_user,collection_queues.group_collection_user",
            )
            self.p_91.user_ids = [Command.set(other.ids)]
            trap.perform_enqueued_jobs()
        self.assertEqual(self.letter_lines(), 2)

    def test_a_user_no_longer_in_collections_gets_no_letters_made(self):
        entries = self.entries.with_user(self.collector)
        with trap_jobs() as trap:
            entries.collection_send_letters(channel="email")
            self.collector.groups_id -= self.env.ref(
                "collection_queues.group_collection_user"
            )
            with self.assertRaises(AccessError):
                trap.perform_enqueued_jobs()
        self.assertEqual(self.letter_lines(), 0)

    def test_letters_that_cannot_be_made_are_reported_not_logged(self):
        broken = self.env.ref(
            "collection_queues.mail_template_collection_friendly_reminder"
        ).copy({"body_html": '<p t-out="object.no_such_field"/>'})
        # The first customer's queue writes with the broken template.
        self.p_91.letter_template_id = broken
        self.company.collection_letter_template_id = self.env.ref(
            "collection_queues.mail_template_collection_final_notice"
        )
        entries = self.entries.with_user(self.collector)
        with trap_jobs() as trap:
            entries.collection_send_letters(channel="email")
            trap.perform_enqueued_jobs()
        self.assertEqual(self.letter_lines(), 2)
        (notice,) = self.odoobot_said(self.collector)
        self.assertIn("2 customers", notice.body)
        self.assertIn("Not made for 1 customers", notice.body)

    def test_the_notice_names_the_customers_without_an_address(self):
        self.customers[1].email = False
        entries = self.entries.with_user(self.collector)
        with trap_jobs() as trap:
            entries.collection_send_letters(channel="email")
            trap.perform_enqueued_jobs()
        (notice,) = self.odoobot_said(self.collector)
        self.assertIn("2 customers", notice.body)
        self.assertIn(f"No e-mail address: {self.customers[1].name}", notice.body)
        self.assertNotIn("Not made", notice.body)

    def test_a_job_makes_the_letters_of_one_company(self):
        other = self.setup_other_company()["company"]
        customer = self.make_customer("Other Co Customer", email="o@example.com")
        self.make_invoice(customer, 700, due=days_ago(40), company=other)
        profile = self.make_profile("Other 1+", 10, (1, 0), 100, company=other)
        other.collection_letter_template_id = self.company.collection_letter_template_id
        self.Profile.with_company(other).with_context(
            allowed_company_ids=[other.id, self.company.id]
        ).refresh_queues(partners=customer.ids)
        entry = self.Queue.search(
            [("partner_id", "=", customer.id), ("profile_id", "=", profile.id)]
        )
        self.assertTrue(entry)
        entries = (self.entries | entry).with_context(
            allowed_company_ids=[self.company.id, other.id]
        )
        with (
            patch.object(collection_queue, "LETTERS_PER_JOB", 500),
            trap_jobs() as trap,
        ):
            entries.collection_send_letters(channel="email")
            batches = [
                job.args[0]
                for job in trap.enqueued_jobs
                if job.method_name == "_job_deliver_letters"
            ]
        self.assertEqual(
            sorted(sorted(entry_id for entry_id, _t in batch) for batch in batches),
            sorted([sorted(self.entries.ids), entry.ids]),
        )

    def test_few_customers_get_their_letters_at_once(self):
        with trap_jobs() as trap:
            result = (
                self.entries[:2]
                .with_user(self.collector)
                .collection_send_letters(channel="email")
            )
            trap.assert_jobs_count(0)
        self.assertEqual(len(result["sent"]), 2)

    def test_the_dialog_says_the_letters_are_on_their_way(self):
        wizard = (
            self.env["collection.letter.wizard"]
            .with_user(self.collector)
            .with_context(active_model="collection.queue", active_ids=self.entries.ids)
            .create({"channel": "email"})
        )
        with trap_jobs():
            action = wizard.action_apply()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("3 customers", action["params"]["message"])

    def test_over_both_protocols_the_answer_names_the_customers(self):
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                result = self.call(
                    protocol,
                    self.collector,
                    "collection.queue",
                    "collection_send_letters",
                    self.entries.ids,
                    channel="email",
                )
                self.assertEqual(
                    sorted(result["queued"]), sorted(self.entries.partner_id.ids)
                )
