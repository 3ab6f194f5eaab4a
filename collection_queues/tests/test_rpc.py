# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The public methods and fields over real XML-RPC and JSON-RPC, as integrators and
users of every kind call them: plain data back, clear refusals, nothing leaked and
nothing changed by a call that fails."""

import json
import xmlrpc.client

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CollectionCase, days_ago

# XML-RPC fault codes of Odoo's /xmlrpc/2/object: a UserError, an AccessError.
USER_ERROR, ACCESS_ERROR = 2, 4
BANNER_FIELDS = [
    "collection_status_id",
    "collection_queue_name",
    "collection_collector_id",
    "in_collections",
]


class RpcError(Exception):
    """A refusal as the client receives it: the exception's name and message."""

    def __init__(self, kind, message):
        super().__init__(f"{kind}: {message}")
        self.kind, self.message = kind, message


class CollectionRpcCase(CollectionCase, HttpCase):
    """Calls through Odoo's own RPC endpoints, each protocol alike."""

    PROTOCOLS = ("xmlrpc", "jsonrpc")

    def call(self, protocol, user, model, method, *args, **kwargs):
        """``model.method(*args, **kwargs)`` as ``user`` (password: the login);
        raise RpcError for a refusal, AssertionError for a traceback."""
        params = [self.env.cr.dbname, user.id, user.login, model, method]
        params += [list(args), kwargs]
        if protocol == "xmlrpc":
            try:
                return self.xmlrpc_object.execute_kw(*params)
            except xmlrpc.client.Fault as fault:
                kinds = {USER_ERROR: "UserError", ACCESS_ERROR: "AccessError"}
                self.assertIn(fault.faultCode, kinds, f"a traceback: {fault}")
                raise RpcError(kinds[fault.faultCode], fault.faultString) from None
        return self.json_call(
            "/jsonrpc", {"service": "object", "method": "execute_kw", "args": params}
        )

    def json_call(self, url, params):
        """A JSON-RPC 2.0 call to one of Odoo's JSON routes: its result; raise
        RpcError for a refusal, AssertionError for a traceback."""
        response = self.url_open(
            url,
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
            ),
            headers={"Content-Type": "application/json"},
        ).json()
        if "error" in response:
            data = response["error"]["data"]
            kind = data["name"].rpartition(".")[2]
            self.assertIn(
                kind,
                ("UserError", "AccessError", "ValidationError", "MissingError"),
                f"a traceback: {data.get('debug')}",
            )
            raise RpcError(kind, data["message"])
        return response["result"]

    def assertRefusedOverRpc(
        self, kind, pattern, protocol, user, model, method, *args, **kw
    ):
        """The call is refused with an ``kind`` error whose message matches
        ``pattern``, and changes nothing."""
        before = self.collection_state()
        with self.assertRaises(RpcError) as caught:
            self.call(protocol, user, model, method, *args, **kw)
        self.assertEqual(caught.exception.kind, kind, caught.exception.message)
        self.assertRegex(caught.exception.message, pattern)
        self.assertEqual(self.collection_state(), before, "nothing changed")

    def collection_state(self):
        """Everything a collection call may change."""
        self.env.invalidate_all()
        Queue = self.env["collection.queue"].sudo()
        entries = Queue.search([], order="id")
        return (
            entries.mapped(
                lambda entry: (
                    entry.id,
                    entry.state,
                    entry.status_id.id,
                    entry.next_followup_date,
                )
            ),
            self.env["collection.activity"]
            .sudo()
            .with_context(active_test=False)
            .search([], order="id")
            .mapped(lambda line: (line.id, line.active)),
            self.env["mail.activity"]
            .sudo()
            .search_count([("res_model", "=", Queue._name)]),
            self.env["collection.refresh.request"].sudo().search_count([]),
            self.env["collection.promise"]
            .sudo()
            .search([], order="id")
            .mapped(lambda promise: (promise.id, promise.state)),
            self.env["collection.dispute"]
            .sudo()
            .search([], order="id")
            .mapped(lambda dispute: (dispute.id, dispute.state)),
        )


@tagged("post_install", "-at_install")
class TestRpcUsers(CollectionRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.make_invoice(cls.customer, 900, due=days_ago(70))
        cls.Profile.refresh_queues(date=days_ago(0))  # in 61-90
        cls.collector = cls.make_user(
            "cq_collector", "base.group_user,collection_queues.group_collection_user"
        )
        cls.other_collector = cls.make_user(
            "cq_other_collector",
            "base.group_user,collection_queues.group_collection_user",
        )
        cls.manager = cls.make_user(
            "cq_manager", "base.group_user,collection_queues.group_collection_manager"
        )
        cls.internal = cls.make_user("cq_internal", "base.group_user")
        cls.portal = new_test_user(
            cls.env,
            login="cq_portal",
            groups="base.group_portal",
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
        )
        cls.portal.partner_id.collection_put_in_queue(cls.p_legal)
        # A queue only the other collector may open, with a customer in it.
        cls.p_special = cls.make_profile(
            "Special handling", user_ids=[Command.set(cls.other_collector.ids)]
        )
        cls.special_customer = cls.make_customer("Secret Account")
        cls.special_customer.collection_put_in_queue(cls.p_special)
        cls.special_entry = cls.Queue.search(
            [("partner_id", "=", cls.special_customer.id), ("state", "=", "open")]
        )

    # ------------------------------------------------------------------
    # Who reads and searches what
    # ------------------------------------------------------------------

    def test_portal_users_read_and_search_nothing_of_collections(self):
        own = self.portal.partner_id.id
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                self.assertRefusedOverRpc(
                    "AccessError", "rights", protocol, self.portal,
                    "res.partner", "read", [own], BANNER_FIELDS,
                )  # fmt: skip
                for field in BANNER_FIELDS:
                    self.assertRefusedOverRpc(
                        "AccessError", "rights", protocol, self.portal,
                        "res.partner", "read", [own], [field],
                    )  # fmt: skip
                self.assertRefusedOverRpc(
                    "AccessError", "rights", protocol, self.portal,
                    "res.partner", "search_count", [("in_collections", "=", True)],
                )  # fmt: skip
                # Their own partner reads as before, without collections.
                (record,) = self.call(
                    protocol, self.portal, "res.partner", "read", [own], ["name"]
                )
                self.assertEqual(record["name"], self.portal.partner_id.name)

    def test_internal_users_read_and_search_the_banner(self):
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                (record,) = self.call(
                    protocol, self.internal, "res.partner", "read",
                    [self.customer.id], BANNER_FIELDS,
                )  # fmt: skip
                self.assertEqual(
                    record["collection_status_id"],
                    [self.status_call.id, self.status_call.name],
                )
                self.assertEqual(record["collection_queue_name"], self.p_61_90.name)
                self.assertIs(record["in_collections"], True)
                found = self.call(
                    protocol, self.internal, "res.partner", "search",
                    [("in_collections", "=", True)],
                )  # fmt: skip
                self.assertIn(self.customer.id, found)
                self.assertIn(self.special_customer.id, found, "the banner: everyone")

    def test_users_without_collections_cannot_search_the_entries(self):
        for protocol in self.PROTOCOLS:
            for domain in (
                [("collection_queue_id", "=", self.special_entry.id)],
                [("collection_queue_id", "!=", False)],
                [("collection_queue_id.profile_id", "=", self.p_special.id)],
            ):
                with self.subTest(protocol=protocol, domain=domain):
                    self.assertRefusedOverRpc(
                        "AccessError", "rights|not allowed", protocol, self.internal,
                        "res.partner", "search", domain,
                    )  # fmt: skip

    def test_a_collector_finds_only_the_entries_they_may_open(self):
        restricted = self.special_entry.id
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                for domain in (
                    [("collection_queue_id", "=", restricted)],
                    [("collection_queue_id", "in", [restricted])],
                    [("collection_queue_id.profile_id", "=", self.p_special.id)],
                ):
                    self.assertEqual(
                        self.call(
                            protocol, self.collector, "res.partner", "search", domain
                        ),
                        [],
                    )
                in_queues = self.call(
                    protocol, self.collector, "res.partner", "search",
                    [("collection_queue_id", "!=", False)],
                )  # fmt: skip
                self.assertIn(self.customer.id, in_queues)
                self.assertNotIn(self.special_customer.id, in_queues)
                # The collector allowed on the queue finds it.
                self.assertEqual(
                    self.call(
                        protocol, self.other_collector, "res.partner", "search",
                        [("collection_queue_id", "=", restricted)],
                    ),
                    [self.special_customer.id],
                )  # fmt: skip

    def test_a_collector_reads_the_banner_not_the_entry_of_a_queue_closed_to_them(
        self,
    ):
        fields = [*BANNER_FIELDS, "collection_queue_id", "collection_profile_id"]
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                (record,) = self.call(
                    protocol, self.collector, "res.partner", "read",
                    [self.special_customer.id], fields,
                )  # fmt: skip
                self.assertIs(record["in_collections"], True)
                self.assertEqual(record["collection_queue_name"], "Special handling")
                self.assertIs(record["collection_queue_id"], False)
                self.assertIs(record["collection_profile_id"], False)
                (record,) = self.call(
                    protocol, self.other_collector, "res.partner", "read",
                    [self.special_customer.id], fields,
                )  # fmt: skip
                self.assertEqual(
                    record["collection_queue_id"][0], self.special_entry.id
                )
                self.assertEqual(record["collection_profile_id"][0], self.p_special.id)

    # ------------------------------------------------------------------
    # Plain data back
    # ------------------------------------------------------------------

    def test_business_methods_return_plain_data_over_both_protocols(self):
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                customer = self.make_customer(f"Fresh {protocol}")
                call = self.call
                placed = call(
                    protocol, self.collector, "res.partner", "collection_put_in_queue",
                    [customer.id], self.p_watch.id,
                )  # fmt: skip
                entry = self.entry(customer)
                self.assertEqual(placed, entry.ids)
                logged = call(
                    protocol, self.collector, "res.partner", "collection_log",
                    [customer.id], self.type_call.id, "Called",
                    followup_date=days_ago(-3).isoformat(), status=self.status_late.id,
                )  # fmt: skip
                self.assertEqual(
                    logged, self.history(customer, self.type_call.code).ids
                )
                self.assertIs(
                    call(
                        protocol, self.collector, "res.partner",
                        "collection_change_status", [customer.id], self.status_hold.id,
                        note="<p>Disputes</p>",
                    ),
                    True,
                )  # fmt: skip
                moved = call(
                    protocol, self.collector, "res.partner", "collection_move_to_queue",
                    [customer.id], self.p_legal.id,
                )  # fmt: skip
                self.assertEqual(moved, self.entry(customer).ids)
                self.assertNotEqual(moved, placed)
                self.assertIs(
                    call(
                        protocol, self.collector, "res.partner",
                        "collection_remove_from_queue", [customer.id],
                    ),
                    True,
                )  # fmt: skip
                self.assertFalse(self.entry(customer))
                # Exactly what was done is logged: no call logged twice.
                self.assertEqual(
                    [
                        line.activity_type_id.code
                        for line in self.history(customer).sorted("id")
                    ],
                    [
                        "added",
                        self.type_call.code,
                        "status",
                        "status",
                        "moved",
                        "removed",
                    ],
                )

    def test_promises_over_both_protocols(self):
        promised_by = days_ago(-5).isoformat()
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                ids = self.call(
                    protocol, self.collector, "res.partner", "collection_promise",
                    [self.customer.id], 450.5, promised_by, note="<p>By wire</p>",
                )  # fmt: skip
                promise = self.env["collection.promise"].browse(ids)
                self.assertEqual(len(promise), 1)
                self.assertRecordValues(
                    promise, [{"amount": 450.5, "state": "open", "user_id": self.collector.id}]
                )  # fmt: skip
                (read,) = self.call(
                    protocol, self.collector, "collection.promise", "read",
                    ids, ["amount", "date", "state"],
                )  # fmt: skip
                self.assertEqual(
                    (read["amount"], read["date"], read["state"]),
                    (450.5, promised_by, "open"),
                )
                (banner,) = self.call(
                    protocol, self.internal, "res.partner", "read",
                    [self.customer.id], ["collection_promise_summary"],
                )  # fmt: skip
                self.assertIn("450.50", banner["collection_promise_summary"])
                for amount, date, message in [
                    ("450", promised_by, "positive number"),
                    (-1, promised_by, "positive number"),
                    (False, promised_by, "positive number"),
                    (100, "2026-02-30", "not a date"),
                    (100, days_ago(2).isoformat(), "today or a later day"),
                    (100, [promised_by], "not a date"),
                ]:
                    self.assertRefusedOverRpc(
                        "UserError", message, protocol, self.collector,
                        "res.partner", "collection_promise", [self.customer.id],
                        amount, date,
                    )  # fmt: skip
                self.assertRefusedOverRpc(
                    "AccessError", "Only collections users", protocol, self.internal,
                    "res.partner", "collection_promise", [self.customer.id], 10,
                    promised_by,
                )  # fmt: skip
                self.assertRefusedOverRpc(
                    "AccessError", ".", protocol, self.collector,
                    "res.partner", "collection_promise", [self.special_customer.id],
                    10, promised_by,
                )  # fmt: skip
                self.assertRefusedOverRpc(
                    "AccessError", ".", protocol, self.collector,
                    "collection.promise", "write", ids, {"state": "kept"},
                )  # fmt: skip
        # The second promise replaced the first.
        self.assertEqual(
            self.env["collection.promise"]
            .search([("partner_id", "=", self.customer.id)])
            .mapped("state"),
            ["open", "cancelled"],
        )

    def test_disputes_over_both_protocols(self):
        collector = self.make_user(
            "cq_invoice_collector",
            "base.group_user,account.group_account_invoice,"
            "collection_queues.group_collection_user",
        )
        reason = self.env.ref("collection_queues.dispute_reason_quality")
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                invoice = self.make_invoice(self.customer, 250, due=days_ago(40))
                for args, kwargs, message in [
                    ((False,), {}, "reason"),
                    (("Quality",), {}, "."),
                    ((reason.id,), {"amount": 251}, "left to pay"),
                    ((reason.id,), {"amount": "12"}, "positive number"),
                    ((reason.id,), {"colour": "red"}, "colour"),
                ]:
                    self.assertRefusedOverRpc(
                        "UserError", message, protocol, collector, "account.move",
                        "collection_dispute", invoice.ids, *args, **kwargs,
                    )  # fmt: skip
                for user in (self.internal, self.portal):
                    self.assertRefusedOverRpc(
                        "AccessError", ".", protocol, user, "account.move",
                        "collection_dispute", invoice.ids, reason.id,
                    )  # fmt: skip
                ids = self.call(
                    protocol, collector, "account.move", "collection_dispute",
                    invoice.ids, reason.id, amount=100.5, note="Scratched",
                )  # fmt: skip
                dispute = self.env["collection.dispute"].browse(ids)
                self.assertRecordValues(
                    dispute, [{"amount": 100.5, "state": "open", "user_id": collector.id}]
                )  # fmt: skip
                for args, message in [
                    ((True, ""), "resolved"),
                    (("yes", "Fine"), "."),
                ]:
                    self.assertRefusedOverRpc(
                        "UserError", message, protocol, collector,
                        "collection.dispute", "collection_close", ids, *args,
                    )  # fmt: skip
                for user in (self.internal, self.portal):
                    self.assertRefusedOverRpc(
                        "AccessError", ".", protocol, user,
                        "collection.dispute", "collection_close", ids, True, "Fine",
                    )  # fmt: skip
                self.assertRefusedOverRpc(
                    "AccessError", ".", protocol, collector,
                    "collection.dispute", "write", ids, {"state": "accepted"},
                )  # fmt: skip
                self.assertIs(
                    self.call(
                        protocol, collector, "collection.dispute", "collection_close",
                        ids, False, "Delivered intact.",
                    ),
                    True,
                )  # fmt: skip
                (read,) = self.call(
                    protocol, collector, "collection.dispute", "read",
                    ids, ["state", "amount", "resolution"],
                )  # fmt: skip
                self.assertEqual(
                    (read["state"], read["amount"], read["resolution"]),
                    ("rejected", 100.5, "Delivered intact."),
                )

    def test_kpis_over_both_protocols(self):
        period = (days_ago(90).isoformat(), days_ago(0).isoformat())
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                result = self.call(
                    protocol, self.manager, "collection.kpi", "get_kpis", *period
                )
                self.assertEqual(result["date_to"], period[1])
                self.assertEqual(result["receivable_end"], 900.0)
                self.assertIsInstance(result["receivables_by_queue"], list)
                self.assertIs(result["promise_kept_rate"], False)
                self.assertEqual(
                    result["not_meaningful"],
                    {
                        "promise_kept_rate": "No promise was judged in the period.",
                        "dispute_days_to_close": "No dispute was closed in the period.",
                        "dispute_accepted_share": "No dispute was closed in the period.",
                    },
                )
                self.assertIs(result["dispute_accepted_share"], False)
                self.assertEqual(result["disputes_by_reason"], [])
                # Before any sale: no honest index, False (no None) and why.
                empty = self.call(
                    protocol, self.manager, "collection.kpi", "get_kpis",
                    days_ago(700).isoformat(), days_ago(400).isoformat(),
                )  # fmt: skip
                self.assertEqual(empty["dso"], 0.0)
                self.assertIs(empty["best_possible_dso"], False)
                self.assertIs(empty["cei"], False)
                self.assertEqual(
                    empty["not_meaningful"]["cei"],
                    "Nothing was collectible in the period.",
                )
                self.assertRefusedOverRpc(
                    "AccessError", "Only collections managers", protocol,
                    self.collector, "collection.kpi", "get_kpis", *period,
                )  # fmt: skip
                self.assertRefusedOverRpc(
                    "UserError", "ends before it starts", protocol, self.manager,
                    "collection.kpi", "get_kpis", period[1], period[0],
                )  # fmt: skip

    def test_letters_over_both_protocols(self):
        reminder = self.env.ref(
            "collection_queues.mail_template_collection_friendly_reminder"
        )
        self.company.collection_letter_template_id = reminder
        entry = self.entry(self.customer)
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                action = self.call(
                    protocol, self.collector, "collection.queue",
                    "collection_send_letters", entry.ids, reminder.id,
                )  # fmt: skip
                self.assertEqual(action["type"], "ir.actions.report")
                self.assertEqual(
                    action["data"]["template_ids"], {str(entry.id): reminder.id}
                )
                result = self.call(
                    protocol, self.collector, "collection.queue",
                    "collection_send_letters", entry.ids, channel="email",
                )  # fmt: skip
                self.assertEqual(result, {"sent": [], "no_email": [self.customer.id]})
                self.assertRefusedOverRpc(
                    "UserError", "'print' or 'email'", protocol, self.collector,
                    "collection.queue", "collection_send_letters", entry.ids,
                    channel="fax",
                )  # fmt: skip
                self.assertRefusedOverRpc(
                    "AccessError", "Only collections users", protocol, self.internal,
                    "collection.queue", "collection_send_letters", entry.ids,
                )  # fmt: skip
        self.assertEqual(len(self.history(self.customer, "letter")), 2)

    def test_a_dry_run_returns_its_plan_over_both_protocols(self):
        mover = self.make_customer("Mover")
        self.make_invoice(mover, 900, due=days_ago(100))
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                result = self.call(
                    protocol, self.manager, "collection.profile", "refresh_queues",
                    date=days_ago(0).isoformat(), dry_run=True,
                )  # fmt: skip
                self.assertEqual(result["added"], 1)
                self.assertIsInstance(result["changes"], list)
                (change,) = [
                    c for c in result["changes"] if c["partner_id"] == mover.id
                ]
                self.assertEqual(
                    (change["action"], change["profile_id"], change["from_profile_id"]),
                    ("added", self.p_91.id, False),
                )
                self.assertIn("91+ days past due", change["reason"])
                self.assertFalse(self.entry(mover), "a dry run changes nothing")

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------

    def test_bad_arguments_are_refused_clearly_and_change_nothing(self):
        customer = [self.customer.id]
        fresh = [self.make_customer("Not in a queue").id]
        archived = (
            self.env["collection.status"].create({"name": "Old", "active": False}).id
        )
        cases = [
            # (user, model, method, args, kwargs, message)
            (fresh, "collection_put_in_queue", ("abc",), {}, "id of a collection queue"),
            (fresh, "collection_put_in_queue", ([self.p_watch.id],), {}, "whole number"),
            (fresh, "collection_put_in_queue", ({"id": self.p_watch.id},), {}, "whole number"),
            (fresh, "collection_put_in_queue", (999999999,), {}, "does not exist"),
            (fresh, "collection_put_in_queue", (True,), {}, "whole number"),
            (customer, "collection_move_to_queue", ("abc",), {}, "whole number"),
            (customer, "collection_change_status", ("abc",), {}, "collection status"),
            (customer, "collection_change_status", (archived,), {}, "archived"),
            (customer, "collection_change_status", (self.status_hold.id,), {"note": ["x"]}, "must be text"),
            (customer, "collection_change_status", (self.status_hold.id,), {"note": 5}, "must be text"),
            (customer, "collection_log", (self.type_call.id,), {"note": {"a": 1}}, "must be text"),
            (customer, "collection_log", (self.type_call.id,), {"note": ["Called"]}, "must be text"),
            (customer, "collection_log", ("abc",), {}, "activity type"),
            (customer, "collection_log", (self.type_call.id,), {"status": "abc"}, "collection status"),
            (customer, "collection_log", (self.type_call.id,), {"followup_date": "2026-02-30"}, "not a date"),
            (customer, "collection_log", (self.type_call.id,), {"followup_date": "0001-01-01"}, "more than a year"),
            (customer, "collection_log", (self.type_call.id,), {"followup_date": 20260101}, "not a date"),
            ([], "collection_log", (self.type_call.id,), {}, "at least one customer"),
        ]  # fmt: skip
        for protocol in self.PROTOCOLS:
            for records, method, args, kwargs, message in cases:
                with self.subTest(
                    protocol=protocol, method=method, args=args, kw=kwargs
                ):
                    self.assertRefusedOverRpc(
                        "UserError", message, protocol, self.manager,
                        "res.partner", method, records, *args, **kwargs,
                    )  # fmt: skip
            for kwargs, message in [
                ({"partners": "abc"}, "list of ids"),
                ({"partners": [[1]]}, "list of ids"),
                ({"partners": [999999999]}, "do not exist"),
                ({"date": "abc"}, "not a date"),
                ({"date": "2026-13-01"}, "not a date"),
                ({"date": "0001-01-01"}, "more than a year"),
                ({"date": "9999-12-31"}, "more than a year"),
                ({"dry_run": "yes"}, "true or false"),
            ]:
                with self.subTest(protocol=protocol, refresh=kwargs):
                    self.assertRefusedOverRpc(
                        "UserError", message, protocol, self.manager,
                        "collection.profile", "refresh_queues", **kwargs,
                    )  # fmt: skip
            entry = self.entry(self.customer).ids
            for vals, message in [
                ({"collector_id": "abc"}, "whole number"),
                ({"collector_id": self.internal.id}, "cannot be the collector"),
                ({"next_followup_date": "0001-01-01"}, "more than a year"),
                ({"next_followup_date": "tomorrow"}, "not a date"),
                ({"state": "closed"}, "collection actions"),
                ({"status_id": self.status_hold.id}, "collection actions"),
            ]:
                with self.subTest(protocol=protocol, write=vals):
                    self.assertRefusedOverRpc(
                        "UserError", message, protocol, self.collector,
                        "collection.queue", "write", entry, vals,
                    )  # fmt: skip
            # A date far away is fine for a preview: it changes nothing.
            result = self.call(
                protocol, self.manager, "collection.profile", "refresh_queues",
                date="0001-01-01", dry_run=True,
            )  # fmt: skip
            self.assertEqual(result["removed"], 1)

    def test_calls_that_do_not_fit_a_method_are_refused_clearly(self):
        customer = [self.customer.id]
        cases = [
            # (model, method, records (None: a model method), args, kwargs, message)
            ("res.partner", "collection_log", customer, (self.type_call.id,), {"colour": 1}, "no argument named colour"),
            ("res.partner", "collection_log", customer, (), {}, "needs activity_type"),
            ("res.partner", "collection_log", customer, (self.type_call.id, False, False, False, 9), {}, "takes 4 arguments, got 5"),
            ("res.partner", "collection_log", customer, (self.type_call.id,), {"activity_type": 1}, "activity_type twice"),
            ("res.partner", "collection_log", ["abc"], (self.type_call.id,), {}, "whole numbers"),
            ("res.partner", "collection_log", [1.5], (self.type_call.id,), {}, "whole numbers"),
            ("res.partner", "collection_remove_from_queue", customer, (), {"force": True}, "no argument named force"),
            ("res.partner", "collection_promise", customer, (100,), {}, "needs date"),
            ("res.partner", "collection_promise", customer, (1e16, days_ago(-5).isoformat()), {}, "up to"),
            ("res.partner", "collection_promise", customer, (1e308, days_ago(-5).isoformat()), {}, "up to"),
            ("collection.profile", "refresh_queues", None, (), {"company": 1}, "no argument named company"),
            ("collection.queue", "collection_send_letters", self.entry(self.customer).ids, (), {"chanel": "email"}, "no argument named chanel"),
            ("collection.kpi", "get_kpis", None, ("2026-01-01",), {}, "needs date_to"),
            ("collection.kpi", "get_kpis", None, ("2026-01-01", "2026-03-31"), {"compnay": 1}, "no argument named compnay"),
        ]  # fmt: skip
        for protocol in self.PROTOCOLS:
            for model, method, records, args, kwargs, message in cases:
                with self.subTest(protocol=protocol, method=method, kw=kwargs):
                    # The model methods take no records.
                    call_args = args if records is None else (records, *args)
                    self.assertRefusedOverRpc(
                        "UserError", message, protocol, self.manager,
                        model, method, *call_args, **kwargs,
                    )  # fmt: skip

    def test_computed_fields_are_refused_as_values_and_grouped_by(self):
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                for vals in (
                    {"collection_status_id": self.status_hold.id},
                    {"in_collections": False},
                    {"collection_queue_name": "Elsewhere"},
                ):
                    self.assertRefusedOverRpc(
                        "UserError", "cannot be written", protocol, self.manager,
                        "res.partner", "write", [self.customer.id], vals,
                    )  # fmt: skip
                for user in (self.internal, self.collector, self.manager):
                    groups = self.call(
                        protocol, user, "res.partner", "read_group",
                        [("id", "in", [self.customer.id, self.special_customer.id])],
                        ["collection_status_id"], ["collection_status_id"],
                    )  # fmt: skip
                    by_status = {
                        (group["collection_status_id"] or [False])[0]: group[
                            "collection_status_id_count"
                        ]
                        for group in groups
                    }
                    self.assertEqual(
                        by_status,
                        {
                            self.status_call.id: 1,
                            self.special_entry.status_id.id or False: 1,
                        },
                    )
                    groups = self.call(
                        protocol, user, "res.partner", "read_group",
                        [("id", "in", [self.customer.id, self.fresh_customer().id])],
                        ["in_collections"], ["in_collections"],
                    )  # fmt: skip
                    self.assertEqual(
                        {
                            g["in_collections"]: g["in_collections_count"]
                            for g in groups
                        },
                        {True: 1, False: 1},
                    )
                self.assertRefusedOverRpc(
                    "AccessError", "rights", protocol, self.portal,
                    "res.partner", "read_group", [], ["collection_status_id"],
                    ["collection_status_id"],
                )  # fmt: skip

    def test_junk_values_are_refused_clearly(self):
        customer = [self.customer.id]
        for protocol in self.PROTOCOLS:
            cases = [
                (self.collector, "res.partner", "collection_log", [customer, self.type_call.id], {"followup_date": ""}, "not a date"),
                (self.collector, "res.partner", "collection_log", [customer, self.type_call.id], {"followup_date": 0}, "not a date"),
                (self.collector, "res.partner", "collection_log", [customer, self.type_call.id], {"followup_date": []}, "not a date"),
                (self.manager, "collection.kpi", "get_kpis", ["9999-12-01", "9999-12-31"], {}, "between the years"),
                (self.manager, "collection.kpi", "get_kpis", ["0001-01-01", "0001-01-31"], {}, "between the years"),
                (self.internal, "res.partner", "search", [[("collection_queue_id", "=", "abc")]], {}, "whole numbers"),
                (self.manager, "collection.profile", "create", ["junk"], {}, "values of a record"),
                (self.manager, "collection.profile", "write", [[self.p_watch.id], {"customer_type": ["x"]}], {}, "customer type"),
                (self.manager, "collection.placement.wizard", "onchange", [[], "abc", [], {}], {}, "values of a record"),
            ]  # fmt: skip
            for user, model, method, args, kwargs, message in cases:
                with self.subTest(protocol=protocol, method=method, args=args):
                    with self.assertRaises(RpcError) as refusal:
                        self.call(protocol, user, model, method, *args, **kwargs)
                    self.assertRegex(refusal.exception.message, message)
            # Searching the history of customers is for collections users only.
            self.assertRefusedOverRpc(
                "AccessError", ".", protocol, self.internal, "res.partner",
                "search", [("collection_activity_ids", "!=", False)],
            )  # fmt: skip
            # Archiving a queue answers plain data.
            empty = self.make_profile(f"Empty {protocol}")
            self.assertIs(
                self.call(
                    protocol, self.manager, "collection.profile", "action_archive",
                    empty.ids,
                ),
                True,
            )  # fmt: skip

    def test_a_bad_search_operator_is_refused_clearly(self):
        for protocol in self.PROTOCOLS:
            for domain in (
                [("in_collections", "like", "yes")],
                [("collection_status_id", "child_of", self.status_call.id)],
                [("collection_collector_id", "=like", "x")],
            ):
                with self.subTest(protocol=protocol, domain=domain):
                    self.assertRefusedOverRpc(
                        "UserError", "searched|Unsupported search", protocol,
                        self.internal, "res.partner", "search", domain,
                    )  # fmt: skip

    def fresh_customer(self):
        return self.env["res.partner"].search(
            [("name", "=", "Never in a queue")]
        ) or self.make_customer("Never in a queue")

    def test_profile_values_are_refused_clearly(self):
        profile = self.p_watch.id
        for protocol in self.PROTOCOLS:
            for vals, message in [
                ({"name": ""}, "needs a name"),
                ({"name": "   "}, "needs a name"),
                ({"days_past_due_min": "ten"}, "whole number"),
                ({"days_past_due_min": 1.5}, "whole number"),
                ({"days_past_due_max": False}, "whole number"),
                ({"days_past_due_max": 1e12}, "between 0 and"),
                ({"sequence_number": 1e12}, "between 0 and"),
                ({"min_amount_past_due": "lots"}, "amount between"),
                ({"min_amount_past_due": 1e308}, "amount between"),
                ({"min_amount_past_due": float("inf")}, "amount between"),
                ({"customer_type": "alien"}, "customer type is one of"),
            ]:
                if protocol == "jsonrpc" and vals.get("min_amount_past_due") == float(
                    "inf"
                ):
                    continue  # JSON carries no infinity
                with self.subTest(protocol=protocol, vals=vals):
                    self.assertRefusedOverRpc(
                        "UserError", message, protocol, self.manager,
                        "collection.profile", "write", [profile], vals,
                    )  # fmt: skip
                    self.assertRefusedOverRpc(
                        "UserError", message, protocol, self.manager,
                        "collection.profile", "create",
                        {"name": "New queue", "company_id": self.env.company.id, **vals},
                    )  # fmt: skip
            self.assertEqual(self.Profile.search_count([("name", "=", "New queue")]), 0)

    def test_the_analysis_reports_export(self):
        self.pay(self.env["account.move"].search(
            [("partner_id", "=", self.customer.id), ("move_type", "=", "out_invoice")]
        ))  # fmt: skip
        self.Profile.refresh_queues(date=days_ago(0))
        self.manager.groups_id += self.env.ref("base.group_allow_export")
        with self.assertRaisesRegex(UserError, "list of texts"):
            self.env["collection.stay.report"].export_data(False)
        for model in ("collection.stay.report", "collection.collected.report"):
            ids = self.env[model].search([]).ids
            self.assertTrue(ids, model)
            for protocol in self.PROTOCOLS:
                with self.subTest(protocol=protocol, model=model):
                    exported = self.call(
                        protocol, self.manager, model, "export_data", ids,
                        ["id", "partner_id", "partner_id/id"],
                    )  # fmt: skip
                    self.assertEqual(len(exported["datas"]), len(ids))
                    self.assertEqual(
                        sorted(int(row[0]) for row in exported["datas"]), sorted(ids)
                    )

    # ------------------------------------------------------------------
    # The history: one's own lines
    # ------------------------------------------------------------------

    def test_users_archive_only_the_lines_they_logged(self):
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                (mine,) = self.call(
                    protocol, self.collector, "res.partner", "collection_log",
                    [self.customer.id], self.type_call.id, "Mine",
                )  # fmt: skip
                self.assertRefusedOverRpc(
                    "AccessError", "only the lines you logged", protocol,
                    self.other_collector, "collection.activity", "write",
                    [mine], {"active": False},
                )  # fmt: skip
                self.call(
                    protocol, self.collector, "collection.activity", "write",
                    [mine], {"active": False},
                )  # fmt: skip
                (theirs,) = self.call(
                    protocol, self.other_collector, "res.partner", "collection_log",
                    [self.customer.id], self.type_call.id, "Theirs",
                )  # fmt: skip
                self.call(
                    protocol, self.manager, "collection.activity", "write",
                    [theirs], {"active": False},
                )  # fmt: skip
                lines = (
                    self.env["collection.activity"]
                    .with_context(active_test=False)
                    .browse([mine, theirs])
                )
                self.assertEqual(lines.mapped("active"), [False, False])


@tagged("post_install", "-at_install")
class TestRpcCompanies(CollectionRpcCase):
    """A manager of another company, and the scheduled jobs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.customer = cls.make_customer("Acme Plumbing")
        cls.invoice = cls.make_invoice(cls.customer, 300, due=days_ago(10))
        cls.Profile.refresh_queues(date=days_ago(0))
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.manager_b = new_test_user(
            cls.env,
            login="cq_manager_b",
            groups="base.group_user,collection_queues.group_collection_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.admin = cls.make_user(
            "cq_admin", "base.group_system,collection_queues.group_collection_manager"
        )
        cls.cron_actions = cls.env.ref(
            "collection_queues.ir_cron_refresh_queues"
        ) | cls.env.ref("collection_queues.ir_cron_refresh_changed")

    def test_only_administrators_run_the_scheduled_jobs_by_hand(self):
        # The customer paid: a refresh would remove them from their queue.
        self.pay(self.invoice)
        for protocol in self.PROTOCOLS:
            for cron in self.cron_actions:
                with self.subTest(protocol=protocol, job=cron.name):
                    self.assertRefusedOverRpc(
                        "AccessError", "rights", protocol, self.manager_b,
                        "ir.actions.server", "run", [cron.ir_actions_server_id.id],
                    )  # fmt: skip
                    self.assertRefusedOverRpc(
                        "AccessError", ".", protocol, self.manager_b,
                        "ir.cron", "method_direct_trigger", [cron.id],
                    )  # fmt: skip
        self.assertTrue(self.entry(self.customer), "still in its queue")
        # An administrator may.
        self.call(
            "xmlrpc", self.admin, "ir.actions.server", "run",
            [self.env.ref("collection_queues.ir_cron_refresh_changed").ir_actions_server_id.id],
        )  # fmt: skip
        self.assertFalse(self.entry(self.customer), "paid: out of its queue")

    def test_a_manager_of_another_company_acts_on_nothing_here(self):
        self.pay(self.invoice)  # a refresh here would remove the customer
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                self.assertRefusedOverRpc(
                    "AccessError", ".", protocol, self.manager_b,
                    "collection.profile", "refresh_queues",
                    context={"allowed_company_ids": self.env.company.ids},
                )  # fmt: skip
                self.assertRefusedOverRpc(
                    "AccessError", ".", protocol, self.manager_b,
                    "res.partner", "collection_put_in_queue",
                    [self.make_customer(f"Other {protocol}").id], self.p_watch.id,
                )  # fmt: skip
                # A promise here means nothing for their company: the customer
                # is in no queue of it.
                self.assertRefusedOverRpc(
                    "UserError", "Not in a collection queue", protocol,
                    self.manager_b, "res.partner", "collection_promise",
                    [self.customer.id], 100, days_ago(-3).isoformat(),
                )  # fmt: skip
                self.assertEqual(
                    self.call(
                        protocol, self.manager_b, "collection.promise",
                        "search_count", [],
                    ),
                    0,
                )  # fmt: skip
                # Their own refresh leaves this company alone.
                result = self.call(
                    protocol, self.manager_b, "collection.profile", "refresh_queues"
                )
                self.assertEqual(result["removed"], 0)
                self.assertTrue(self.entry(self.customer))

    def test_a_manager_of_another_company_reads_nothing_through_the_dialogs(self):
        entry = self.entry(self.customer)
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                for model, active in (
                    ("collection.promise.wizard", ("collection.queue", entry.ids)),
                    ("collection.placement.wizard", ("collection.queue", entry.ids)),
                    ("collection.letter.wizard", ("collection.queue", entry.ids)),
                    (
                        "collection.letter.wizard",
                        ("collection.profile", self.p_1_30.ids),
                    ),
                ):
                    self.assertRefusedOverRpc(
                        "UserError", "not allowed to open", protocol, self.manager_b,
                        model, "default_get", ["partner_ids", "amount", "entry_ids"],
                        context={"active_model": active[0], "active_ids": active[1]},
                    )  # fmt: skip
                self.assertRefusedOverRpc(
                    "UserError", "whole numbers", protocol, self.manager_b,
                    "collection.promise.wizard", "default_get", ["partner_ids"],
                    context={"active_model": "collection.queue", "active_ids": ["x"]},
                )  # fmt: skip
                # Naming this company's queue in a dialog or a preview line of
                # their own shows nothing of it either.
                self.assertRefusedOverRpc(
                    "UserError", "not allowed to open", protocol, self.manager_b,
                    "collection.placement.wizard", "create",
                    {"action": "put", "profile_id": self.p_watch.id},
                )  # fmt: skip
                self.assertRefusedOverRpc(
                    "UserError", "not allowed to open", protocol, self.manager_b,
                    "collection.placement.wizard", "onchange", [],
                    {"action": "put", "profile_id": self.p_watch.id},
                    ["profile_id"], {"summary": {}},
                )  # fmt: skip
                self.assertRefusedOverRpc(
                    "UserError", "not allowed to open", protocol, self.manager_b,
                    "collection.refresh.wizard", "create",
                    {"line_ids": [(0, 0, {"profile_id": self.p_watch.id})]},
                )  # fmt: skip

    def test_letter_templates_belong_to_a_company(self):
        reminder = self.env.ref(
            "collection_queues.mail_template_collection_friendly_reminder"
        )
        ours = reminder.copy({"name": "Our reminder", "company_id": self.company.id})
        for protocol in self.PROTOCOLS:
            with self.subTest(protocol=protocol):
                # What this company sends: not theirs to read or change.
                self.assertRefusedOverRpc(
                    "AccessError", ".", protocol, self.manager_b,
                    "mail.template", "write", ours.ids, {"subject": "Pay now"},
                )  # fmt: skip
                self.assertNotIn(
                    ours.id,
                    self.call(
                        protocol, self.manager_b, "mail.template", "search",
                        [("model", "=", "collection.queue")],
                    ),
                )  # fmt: skip
                # The shared letters: administrators only.
                self.assertRefusedOverRpc(
                    "AccessError", "administrators only", protocol, self.manager_b,
                    "mail.template", "write", reminder.ids, {"subject": "Pay now"},
                )  # fmt: skip
                # Their own copy is their company's.
                copy_id = self.call(
                    protocol, self.manager_b, "mail.template", "copy", reminder.ids
                )[0]
                copy = self.env["mail.template"].browse(copy_id)
                self.assertEqual(copy.company_id, self.company_b)
                self.call(
                    protocol, self.manager_b, "mail.template", "write", [copy_id],
                    {"subject": "Company B reminder"},
                )  # fmt: skip
        self.assertEqual(ours.subject, reminder.subject)
        self.call("xmlrpc", self.admin, "mail.template", "write", reminder.ids,
                  {"subject": "Shared reminder"})  # fmt: skip
        self.assertEqual(reminder.subject, "Shared reminder")
