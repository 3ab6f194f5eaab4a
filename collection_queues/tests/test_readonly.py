# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The read-only public methods (the previews of a refresh and of the automatic
steps, the KPIs): marked so that the web client runs them on a read-only cursor
(a read replica's with ``db_replica_host``), they run in a genuinely read-only
transaction, answer over every protocol as their dry runs do, and write nothing."""

from contextlib import contextmanager

import psycopg2

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from ..tools import sql
from .common import TODAY, days_ago
from .test_rpc import CollectionRpcCase, RpcError

# (model, method, arguments, keyword arguments) of the read-only methods, as RPC
# sends them.
READ_ONLY_CALLS = [
    ("collection.profile", "preview_refresh", [], {"date": TODAY.isoformat()}),
    ("collection.profile", "preview_steps", [], {"date": TODAY.isoformat()}),
    (
        "collection.kpi",
        "get_kpis",
        [days_ago(90).isoformat(), TODAY.isoformat()],
        {},
    ),
]


@tagged("post_install", "-at_install")
class TestReadOnlyMethods(CollectionRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.env["collection.profile.step"].create(
            {"profile_id": cls.p_61_90.id, "name": "Call", "day": 0, "action": "todo"}
        )
        # Placed by a first refresh: one stays, one has paid since (removed),
        # and one is new (added).
        cls.stayer = cls.make_customer("Acme Plumbing")
        cls.make_invoice(cls.stayer, 900, due=days_ago(70))
        cls.payer = cls.make_customer("Bolt Electric")
        paid = cls.make_invoice(cls.payer, 300, due=days_ago(10))
        cls.Profile.refresh_queues(date=TODAY)
        cls.pay(paid)
        cls.newcomer = cls.make_customer("Cobalt Roofing")
        cls.make_invoice(cls.newcomer, 900, due=days_ago(100))
        cls.manager = cls.make_user(
            "ro_manager", "base.group_user,collection_queues.group_collection_manager"
        )
        cls.collector = cls.make_user(
            "ro_collector", "base.group_user,collection_queues.group_collection_user"
        )
        cls.portal = new_test_user(
            cls.env,
            login="ro_portal",
            groups="base.group_portal",
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @contextmanager
    def read_only_env(self, user):
        """An environment of ``user`` on a read-only transaction seeing this
        test's data: the cursor the web client opens for a read-only method
        (Odoo's test cursor runs it under ``SET TRANSACTION READ ONLY``, as a
        replica's connection is)."""
        self.assertTrue(self.registry.test_readonly_enabled)
        self.env.flush_all()
        with self.registry.cursor(readonly=True) as cr:
            cr.execute("SHOW transaction_read_only")
            self.assertEqual(cr.fetchone()[0], "on")
            yield self.env(cr=cr, user=user)

    def python_call(self, user, model, method, args, kwargs):
        return getattr(self.env[model].with_user(user), method)(*args, **kwargs)

    def web_client_is_read_only(self, model, method):
        """Whether the web client's ``/web/dataset/call_kw`` opens a read-only
        cursor for the method: its ``_readonly``, as Odoo's dataset controller
        looks it up along the model's classes."""
        for cls in type(self.env[model]).mro():
            function = getattr(cls, method, None)
            if function is not None and hasattr(function, "_readonly"):
                return function._readonly
        return False

    def call_kw(self, user, model, method, args, kwargs):
        """``model.method(*args, **kwargs)`` through the web client's route, as
        ``user`` logged in; raise RpcError for a refusal."""
        self.authenticate(user.login, user.login)
        return self.json_call(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def written_rows(self):
        """Rows inserted, updated and deleted so far by this transaction, in
        every table, PostgreSQL's catalogs included: a temporary table created
        counts too."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                "FROM pg_stat_xact_all_tables"
            )
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def test_the_read_only_methods_are_marked_and_the_writing_ones_not(self):
        for model, method, _args, _kwargs in READ_ONLY_CALLS:
            with self.subTest(method=method):
                self.assertIs(self.web_client_is_read_only(model, method), True)
        # They write when not a dry run: a read-only cursor would fail them
        # once each time, before the retry on the primary.
        for method in ("refresh_queues", "collection_run_steps"):
            with self.subTest(method=method):
                self.assertIs(
                    self.web_client_is_read_only("collection.profile", method), False
                )

    def test_they_run_in_a_read_only_transaction_as_the_dry_runs(self):
        expected = {
            method: self.python_call(self.manager, model, method, args, kwargs)
            for model, method, args, kwargs in READ_ONLY_CALLS
        }
        # The dry runs of the writing methods are the previews.
        self.assertEqual(
            self.Profile.with_user(self.manager).refresh_queues(
                date=TODAY, dry_run=True
            ),
            expected["preview_refresh"],
        )
        self.assertEqual(
            self.Profile.with_user(self.manager).collection_run_steps(
                date=TODAY, dry_run=True
            ),
            expected["preview_steps"],
        )
        for model, method, args, kwargs in READ_ONLY_CALLS:
            with self.subTest(method=method), self.read_only_env(self.manager) as env:
                self.assertEqual(
                    getattr(env[model], method)(*args, **kwargs), expected[method]
                )
        # What the preview plans is what the refresh then does.
        preview = expected["preview_refresh"]
        self.assertEqual(
            sorted((c["partner_id"], c["action"]) for c in preview["changes"]),
            sorted([(self.payer.id, "removed"), (self.newcomer.id, "added")]),
        )
        result = self.Profile.with_user(self.manager).refresh_queues(date=TODAY)
        for key in ("added", "moved", "removed", "unchanged"):
            self.assertEqual(result[key], preview[key], key)
        self.assertEqual(self.entry(self.newcomer).profile_id, self.p_91)
        self.assertFalse(self.entry(self.payer))
        # And the steps previewed are the steps run.
        steps = self.Profile.with_user(self.manager).collection_run_steps(date=TODAY)
        self.assertEqual(steps["done"], expected["preview_steps"]["done"])
        self.assertEqual(
            [line["partner_id"] for line in steps["done"]], [self.stayer.id]
        )

    def test_the_dry_run_reads_its_facts_without_a_temporary_table(self):
        Sequencer = self.env["collection.sequencer"]
        scope = Sequencer._scope(self.company)
        # The same rows, in the same chunks, as the refresh reads them.
        through_table = list(Sequencer._fetch_facts(scope, None, TODAY))
        through_cursor = list(Sequencer._fetch_facts(scope, None, TODAY, readonly=True))
        self.assertEqual(through_cursor, through_table)
        self.assertEqual(
            {row.partner_id for rows in through_cursor for row in rows},
            {self.stayer.id, self.payer.id, self.newcomer.id},
        )
        with self.read_only_env(self.manager) as env:
            sequencer = env["collection.sequencer"]
            self.assertEqual(
                list(
                    sequencer._fetch_facts(
                        sequencer._scope(self.company), None, TODAY, readonly=True
                    )
                ),
                through_table,
            )
        # The refresh's temporary table is what such a transaction refuses.
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.ReadOnlySqlTransaction),
            self.read_only_env(self.manager) as env,
        ):
            sequencer = env["collection.sequencer"]
            list(sequencer._fetch_facts(sequencer._scope(self.company), None, TODAY))

    def test_the_facts_come_a_chunk_at_a_time_through_the_cursor(self):
        # More customers than a chunk, each in a queue.
        customers = self.env["res.partner"].create(
            [
                {"name": f"Customer {number}", "is_company": True}
                for number in range(sql.CHUNK + 1)
            ]
        )
        customers.collection_put_in_queue(self.p_watch)
        Sequencer = self.env["collection.sequencer"]
        scope = Sequencer._scope(self.company)
        through_table = list(Sequencer._fetch_facts(scope, None, TODAY))
        through_cursor = list(Sequencer._fetch_facts(scope, None, TODAY, readonly=True))
        self.assertEqual([len(rows) for rows in through_cursor], [sql.CHUNK, 4])
        self.assertEqual(through_cursor, through_table)
        partner_ids = [row.partner_id for rows in through_cursor for row in rows]
        self.assertEqual(partner_ids, sorted(partner_ids))

    def test_they_write_nothing(self):
        state = self.collection_state()
        for model, method, args, kwargs in READ_ONLY_CALLS:
            with self.subTest(method=method):
                before = self.written_rows()
                self.python_call(self.manager, model, method, args, kwargs)
                self.assertEqual(self.written_rows(), before)
        for method in ("refresh_queues", "collection_run_steps"):
            with self.subTest(method=method, dry_run=True):
                before = self.written_rows()
                getattr(self.Profile.with_user(self.manager), method)(
                    date=TODAY, dry_run=True
                )
                self.assertEqual(self.written_rows(), before)
        self.assertEqual(self.collection_state(), state)
        # The measure sees writes: the refresh's temporary table, for one.
        before = self.written_rows()
        Sequencer = self.env["collection.sequencer"]
        list(Sequencer._fetch_facts(Sequencer._scope(self.company), None, TODAY))
        self.assertGreater(self.written_rows(), before)

    def test_they_answer_over_every_protocol_and_the_web_client_reads_only(self):
        state = self.collection_state()
        for model, method, args, kwargs in READ_ONLY_CALLS:
            expected = self.python_call(self.manager, model, method, args, kwargs)
            with self.subTest(method=method, protocol="web client"):
                # A write on the read-only cursor would be logged as a warning
                # and retried on a read/write one.
                with self.assertNoLogs("odoo.http", "WARNING"):
                    result = self.call_kw(self.manager, model, method, args, kwargs)
                self.assertEqual(result, expected)
            for protocol in self.PROTOCOLS:
                with self.subTest(method=method, protocol=protocol):
                    self.assertEqual(
                        self.call(
                            protocol, self.manager, model, method, *args, **kwargs
                        ),
                        expected,
                    )
        self.assertEqual(self.collection_state(), state)

    def test_only_managers_may_call_them(self):
        for model, method, args, kwargs in READ_ONLY_CALLS:
            for user in (self.collector, self.portal):
                with self.subTest(method=method, user=user.login):
                    with self.assertRaises(RpcError) as caught:
                        self.call_kw(user, model, method, args, kwargs)
                    self.assertEqual(caught.exception.kind, "AccessError")
                    self.assertRegex(
                        caught.exception.message, "^Only collections managers"
                    )
                    for protocol in self.PROTOCOLS:
                        self.assertRefusedOverRpc(
                            "AccessError", "^Only collections managers", protocol,
                            user, model, method, *args, **kwargs,
                        )  # fmt: skip
