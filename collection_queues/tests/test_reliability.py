# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.collection_sequencer import REFRESH_LOCK_NAMESPACE
from .common import TODAY, CollectionCase, days_ago


@tagged("post_install", "-at_install")
class TestReliability(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile = cls.make_profile("Past due", 10, (1, 0), 100)
        cls.legal = cls.make_profile("Legal")
        cls.customer = cls.make_customer("Acme Plumbing")

    def open_entry(self, profile, company=None):
        return self.Queue.sudo().create(
            {
                "partner_id": self.customer.id,
                "profile_id": profile.id,
                "company_id": (company or self.company).id,
            }
        )

    def test_database_refuses_a_second_open_entry(self):
        first = self.open_entry(self.legal)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.open_entry(self.profile)
        # One closed and one open entry is a customer's history.
        first._close("Test", self.now(), "removed")
        self.open_entry(self.profile)

    def test_one_open_entry_per_company(self):
        other = self.setup_other_company(name="Other Co")["company"]
        theirs = self.make_profile("Theirs", company=other)
        self.open_entry(self.legal)
        self.open_entry(theirs, other)
        self.assertEqual(
            self.Queue.search_count(
                [("partner_id", "=", self.customer.id), ("state", "=", "open")]
            ),
            2,
        )

    def test_refresh_skips_a_company_another_refresh_holds(self):
        self.make_invoice(self.customer, 300, due=days_ago(10))
        self.env.flush_all()
        with self.env.registry.cursor() as other_cr:
            other_cr.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [REFRESH_LOCK_NAMESPACE, self.company.id],
            )
            result = self.refresh()
            self.assertEqual(result["skipped_companies"], [self.company.display_name])
            self.assertCounts(result)
            self.assertFalse(self.entry(self.customer), "nothing changed")
            other_cr.rollback()
        self.assertCounts(self.refresh(), added=1)

    def test_refresh_racing_a_user_never_opens_two_entries(self):
        """A refresh planned before a user's placement, applied after it: the
        database refuses the second open entry, the user's placement stands."""
        self.make_invoice(self.customer, 300, due=days_ago(10))
        sequencer = self.env["collection.sequencer"]
        scope = sequencer._scope(self.company)
        (rows,) = list(sequencer._fetch_facts(scope, self.customer, TODAY))
        decisions = sequencer._decide(scope, rows)
        self.assertEqual([decision.action for decision, _row in decisions], ["added"])
        self.customer.collection_put_in_queue(self.legal)  # meanwhile, a user
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            sequencer._apply(scope, decisions, TODAY)
        self.assertEqual(self.entry(self.customer).profile_id, self.legal)
