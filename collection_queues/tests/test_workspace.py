# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.safe_eval import datetime, safe_eval

from .common import TODAY, CollectionCase, days_ago


@tagged("post_install", "-at_install")
class TestWorkspace(CollectionCase):
    """The collector's workspace: the queues overview, the refresh preview, the
    history counts and the queue's filters."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.acme = cls.make_customer("Acme Plumbing")
        cls.bolt = cls.make_customer("Bolt Electric")
        cls.make_invoice(cls.acme, 300, due=days_ago(10))
        cls.make_invoice(cls.bolt, 700, due=days_ago(70))
        cls.collector = cls.make_user(
            "workspace_collector",
            "base.group_user,collection_queues.group_collection_user",
        )

    # ------------------------------------------------------------------
    # Refresh with preview
    # ------------------------------------------------------------------

    def open_preview(self, profiles=None):
        action = (profiles or self.Profile).action_refresh_queues()
        self.assertEqual(action["res_model"], "collection.refresh.wizard")
        self.assertEqual(action["target"], "new")
        return self.env["collection.refresh.wizard"].browse(action["res_id"])

    def test_preview_shows_the_dry_run_and_changes_nothing(self):
        preview = self.open_preview()
        self.assertEqual(preview.added_count, 2)
        self.assertEqual(preview.removed_count, 0)
        lines = {line.partner_id: line for line in preview.line_ids}
        self.assertEqual(lines[self.acme].action, "added")
        self.assertEqual(lines[self.acme].profile_id, self.p_1_30)
        self.assertFalse(lines[self.acme].from_profile_id)
        self.assertEqual(lines[self.bolt].profile_id, self.p_61_90)
        self.assertIn("61–90 days past due", lines[self.bolt].reason)
        self.assertIn("2 added, 0 moved, 0 removed", preview.summary)
        self.assertFalse(self.entry(self.acme), "a preview changes nothing")

    def test_preview_then_apply(self):
        preview = self.open_preview()
        notification = preview.action_apply()
        self.assertEqual(notification["params"]["type"], "success")
        self.assertIn("2 added", notification["params"]["message"])
        self.assertEqual(self.entry(self.acme).profile_id, self.p_1_30)
        self.assertEqual(self.entry(self.bolt).profile_id, self.p_61_90)
        self.assertIn("up to date", self.open_preview().summary)

    def test_preview_from_a_selection_of_profiles_refreshes_every_queue(self):
        # The list's and the overview's button: whatever is selected.
        preview = self.open_preview(self.p_legal | self.p_watch)
        self.assertEqual(preview.added_count, 2)

    def test_only_managers_preview_and_refresh(self):
        with self.assertRaises(AccessError):
            self.Profile.with_user(self.collector).action_refresh_queues()
        preview = self.open_preview()
        with self.assertRaises(AccessError):
            preview.with_user(self.collector).action_apply()
        self.assertFalse(self.entry(self.acme))

    # ------------------------------------------------------------------
    # Overview
    # ------------------------------------------------------------------

    def test_overview_figures(self):
        self.refresh()
        self.entry(self.acme).next_followup_date = TODAY
        self.entry(self.bolt).next_followup_date = days_ago(-3)
        self.p_1_30.invalidate_recordset()
        self.assertEqual(self.p_1_30.open_entry_count, 1)
        self.assertAlmostEqual(self.p_1_30.open_amount_due, 300)
        self.assertEqual(self.p_1_30.followup_due_count, 1)
        self.assertEqual(self.p_61_90.open_entry_count, 1)
        self.assertEqual(self.p_61_90.followup_due_count, 0, "not due yet")
        self.assertEqual(self.p_91.open_entry_count, 0)
        action = self.p_1_30.action_open_followups_due()
        self.assertEqual(action["domain"], [("profile_id", "=", self.p_1_30.id)])
        self.assertTrue(action["context"]["search_default_followup_due"])
        self.assertIn("No follow-up due in 1-30", action["help"])
        self.assertEqual(self.p_91.rule_summary, "91+ days past due, over $\xa0500.00")
        self.assertEqual(self.p_legal.rule_summary, "Placed by users only")

    def test_overview_shows_a_collector_only_the_queues_they_may_open(self):
        self.refresh()
        self.p_61_90.user_ids = self.env.user
        overview = self.env.ref("collection_queues.action_collection_overview")
        self.assertEqual(overview.res_model, "collection.profile")
        profiles = self.Profile.with_user(self.collector).search(
            [("company_id", "=", self.company.id)]
        )
        self.assertIn(self.p_1_30, profiles)
        self.assertNotIn(self.p_61_90, profiles)
        self.assertEqual(
            profiles.filtered(lambda p: p == self.p_1_30).open_entry_count, 1
        )

    # ------------------------------------------------------------------
    # History
    # ------------------------------------------------------------------

    def test_history_count_and_system_lines(self):
        self.refresh()
        self.acme.collection_log(self.type_call.id, note="Left a message")
        self.assertEqual(self.acme.collection_activity_count, 2)
        entry = self.entry(self.acme)
        self.assertEqual(entry.customer_history_count, 2)
        action = entry.action_open_customer_history()
        self.assertEqual(action["res_model"], "collection.activity")
        self.assertEqual(action["domain"], [("partner_id", "=", self.acme.id)])
        self.assertIn("pivot", action["view_mode"])
        self.assertIn("graph", action["view_mode"])
        added, logged = self.history(self.acme).sorted("id")
        self.assertEqual(added.done_by, "System")
        self.assertEqual(logged.done_by, self.env.user.name)

    def test_restricted_collector_gets_no_dead_link_and_is_told_why(self):
        self.refresh()
        self.p_1_30.user_ids = self.env.user  # not the collector
        partner = self.acme.with_user(self.collector)
        self.assertTrue(partner.in_collections)
        self.assertFalse(partner.collection_queue_id)
        self.assertEqual(partner.collection_activity_count, 0)
        arch = etree.fromstring(
            self.env["res.partner"]
            .with_user(self.collector)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        notice = arch.xpath("//page[@name='collections']/div[hasclass('alert-info')]")
        self.assertTrue(notice)
        self.assertEqual(
            notice[0].get("invisible"), "not in_collections or collection_queue_id"
        )

    # ------------------------------------------------------------------
    # Queue filters
    # ------------------------------------------------------------------

    def queue_filter(self, name):
        arch = etree.fromstring(
            self.Queue.get_views([(False, "search")])["views"]["search"]["arch"]
        )
        (node,) = arch.xpath(f"//filter[@name='{name}']")
        domain = safe_eval(
            node.get("domain"),
            {
                "uid": self.env.uid,
                "context_today": lambda: datetime.datetime.combine(
                    TODAY, datetime.time()
                ),
                "relativedelta": relativedelta,
            },
        )
        customers = (self.acme | self.bolt).ids
        return self.Queue.search(
            [("state", "=", "open"), ("partner_id", "in", customers), *domain]
        )

    def test_queue_filters(self):
        self.refresh()
        acme, bolt = self.entry(self.acme), self.entry(self.bolt)
        self.env.cr.execute(
            "UPDATE collection_queue SET date_start = %s WHERE id = %s",
            (days_ago(30), acme.id),
        )
        acme.invalidate_recordset(["date_start"])
        self.assertEqual(self.queue_filter("no_recent_activity"), acme)
        self.bolt.collection_log(self.type_call.id)
        self.acme.collection_log(self.type_call.id)
        self.assertFalse(self.queue_filter("no_recent_activity"))
        self.assertEqual(self.queue_filter("sequenced"), acme | bolt)
        self.bolt.collection_move_to_queue(self.p_legal.id)
        legal = self.entry(self.bolt)
        self.assertEqual(self.queue_filter("sequenced"), acme)
        self.assertEqual(self.queue_filter("manual"), legal)
        acme.collector_id = self.collector
        self.assertFalse(self.queue_filter("my_customers"))
        legal.collector_id = self.env.user
        self.assertEqual(self.queue_filter("my_customers"), legal)
        legal.next_followup_date = TODAY
        self.assertEqual(self.queue_filter("followup_due"), legal)
