# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import itertools
import logging
from collections import namedtuple
from collections.abc import Callable
from typing import NamedTuple

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import get_lang

from ..tools import numbers, planner, sql
from .collection_queue import AMOUNT_FIELDS

_logger = logging.getLogger(__name__)

# Namespace of the PostgreSQL advisory locks that keep two refreshes of the same
# company from running at the same time (the second key is the company id).
REFRESH_LOCK_NAMESPACE = 0x6371  # "cq"

# The settings of the facts query. JIT-compiling the many filtered aggregates costs
# more than it saves on a query that runs once; sorting a million items in
# PostgreSQL's default 4 MB of memory spills to disk.
FACTS_QUERY_SETTINGS = {"jit": "off", "work_mem": "32MB"}

# Numbers the cursors a dry run reads its facts through: unique in a session, so
# that one left open (a reading given up midway, until the transaction ends)
# never stands in the way of the next.
_facts_cursor_numbers = itertools.count(1)


class RefreshScope(NamedTuple):
    """One company as a refresh sees it."""

    company: models.BaseModel  # res.company
    tree: models.BaseModel  # the company and its branches, whose items count
    bit_of: dict  # {company id: its bit in the branch masks}
    profiles: dict  # {profile id: its sequenced collection.profile}
    rules: list  # [planner.ProfileRule] of those profiles
    credits_reduce: bool  # unapplied credits lower the qualifying amount
    digits: int  # of the company's currency
    format_amount: Callable[[float], str]  # amounts for the reasons


class CollectionSequencer(models.AbstractModel):
    """The sequencing refresh, in three steps kept apart: fetch the facts (one
    set-based query), let the planner decide (pure Python, tools/planner.py),
    apply the changes (bulk writes and history)."""

    _name = "collection.sequencer"
    _description = "Collection Queue Sequencing"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _refresh(
        self,
        companies,
        partners=None,
        date=None,
        dry_run=False,
        shared=False,
        wait=None,
    ):
        """Re-sequence ``partners`` (commercial partners; None: all) in
        ``companies`` as of ``date``. See ``collection.profile.refresh_queues``.
        With ``shared``, the refresh shares each company with other shared ones
        (refreshes of other customers, run side by side) and is kept from it by
        a whole one only. With ``wait`` (a PostgreSQL interval), a company
        another refresh holds is waited for that long before it is skipped.

        A customer whose change conflicts with a concurrent transaction (a user
        working on it meanwhile) is left out, named in ``deferred`` and queued
        for the refresh job: it costs that customer a retry, never the others
        their refresh.
        """
        date = date or fields.Date.context_today(self)
        result = {"added": 0, "moved": 0, "removed": 0, "unchanged": 0}
        if dry_run:
            result["changes"] = []
        scopes, skipped = self._scopes(
            companies, lock=not dry_run, shared=shared, wait=wait
        )
        result["skipped_companies"] = [company.display_name for company in skipped]
        deferred = set()
        for scope in scopes if partners is None or partners else ():
            for rows in self._fetch_facts(scope, partners, date, readonly=dry_run):
                decisions = self._decide(scope, rows)
                if dry_run:
                    result["changes"].extend(self._describe(scope, decisions, date))
                else:
                    conflicts = sql.apply_isolated(
                        self.env.cr,
                        lambda chunk, scope=scope: self._apply(scope, chunk, date),
                        decisions,
                    )
                    if conflicts:
                        deferred.update(row.partner_id for _d, row in conflicts)
                        decisions = [
                            pair
                            for pair in decisions
                            if pair[1].partner_id not in deferred
                        ]
                for decision, _row in decisions:
                    action = decision.action
                    result[
                        planner.UNCHANGED if action == planner.PINNED else action
                    ] += 1
        result["deferred"] = sorted(deferred)
        if deferred:
            _logger.info(
                "Collection refresh: %s customers changed meanwhile by others, "
                "left for the next run",
                len(deferred),
            )
            self.env["collection.refresh.request"]._enqueue(
                self.env["res.partner"].browse(sorted(deferred)), force=True
            )
        return result

    @api.model
    def _close_profiles(self, profiles):
        """Re-sequence the customers of profiles being closed, at once: each moves
        to the sequenced profile it meets (status kept) or leaves collections."""
        entries = (
            self.env["collection.queue"]
            .sudo()
            .search([("profile_id", "in", profiles.ids), ("state", "=", "open")])
        )
        date = fields.Date.context_today(self)
        for company in entries.company_id:
            customers = entries.filtered(
                lambda entry, c=company: entry.company_id == c
            ).partner_id
            scope = self._scope(company)
            for rows in self._fetch_facts(scope, customers, date):
                decisions = self._decide(scope, rows, closing=profiles)
                self._apply(scope, decisions, date, closing=True)

    @api.model
    def _current_amounts(self, company, partners):
        """{partner id: figures of a queue entry} for customers placed by hand."""
        scope = self._scope(company)
        date = fields.Date.context_today(self)
        return {
            row.partner_id: self._amounts(scope, planner.Decision(planner.PINNED), row)
            for rows in self._fetch_facts(scope, partners, date, everyone=True)
            for row in rows
        }

    # ------------------------------------------------------------------
    # Scope: the companies refreshed, their trees and rules
    # ------------------------------------------------------------------

    @api.model
    def _scopes(self, companies, lock=True, shared=False, wait=None):
        """The companies that have sequenced queues (or customers the rules placed),
        each with its rules; with ``lock``, those another refresh holds are
        skipped (with ``shared``, those another holds exclusively; with ``wait``,
        once waited for that long)."""
        companies = companies.sudo()
        profile_companies = (
            self.env["collection.profile"]
            .sudo()
            ._read_group(
                [("company_id", "in", companies.ids), ("auto_sequence", "=", True)],
                ["company_id"],
            )
        )
        entry_companies = (
            self.env["collection.queue"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "in", companies.ids),
                    ("state", "=", "open"),
                    "|",
                    ("profile_id.auto_sequence", "=", True),
                    ("is_manual", "=", False),
                ],
                ["company_id"],
            )
        )
        active = self.env["res.company"].union(
            *(company for (company,) in profile_companies + entry_companies)
        )
        scopes, skipped = [], self.env["res.company"]
        for company in active.sorted("id"):
            if lock and not sql.try_transaction_lock(
                self.env.cr,
                REFRESH_LOCK_NAMESPACE,
                company.id,
                shared=shared,
                wait=wait,
            ):
                _logger.info(
                    "Collection queues of %s are already being refreshed: skipped",
                    company.name,
                )
                skipped |= company
                continue
            scopes.append(self._scope(company))
        return scopes, skipped

    @api.model
    def _scope(self, company):
        """The company, the companies whose items count (itself and its branches,
        each given a bit), its active sequenced profiles and their rules."""
        company = company.sudo()
        tree = self.env["collection.receivable"]._company_tree(company)
        bit_of = {branch.id: 1 << position for position, branch in enumerate(tree)}
        profiles = (
            self.env["collection.profile"]
            .sudo()
            .search([("company_id", "=", company.id), ("auto_sequence", "=", True)])
        )
        rules = [
            planner.ProfileRule(
                profile_id=profile.id,
                sequence_number=profile.sequence_number,
                days_min=profile.days_past_due_min,
                days_max=profile.days_past_due_max,
                min_amount=profile.min_amount_past_due,
                customer_type=profile.customer_type,
                category_ids=frozenset(profile.partner_category_ids.ids),
                branch_mask=sum(
                    bit_of.get(branch.id, 0) for branch in profile.branch_ids
                ),
            )
            for profile in profiles
        ]
        return RefreshScope(
            company=company,
            tree=tree,
            bit_of=bit_of,
            profiles={profile.id: profile for profile in profiles},
            rules=rules,
            credits_reduce=company.collection_credits_reduce_amount,
            digits=company.currency_id.decimal_places,
            format_amount=numbers.amount_writer(
                self.env["res.lang"]._get_data(code=get_lang(self.env).code),
                company.currency_id.decimal_places,
            ),
        )

    # ------------------------------------------------------------------
    # Facts: one set-based query
    # ------------------------------------------------------------------

    @api.model
    def _window_sql(self, rule, claimable):
        """The condition of an open item inside the profile's days window.

        :param claimable: the SQL of the item's amount claimed"""
        return SQL(
            "%s > 0 AND item.days >= %s%s",
            claimable,
            rule.days_min,
            SQL(" AND item.days <= %s", rule.days_max) if rule.days_max else SQL(),
        )

    @api.model
    def _tree_sql(self, scope):
        """The company's tree as a table: each company one bit of a bit string, so
        that BIT_OR tells which branches a customer's items come from."""
        width = len(scope.tree)
        return SQL(
            "(VALUES %s)",
            SQL(", ").join(
                SQL("(%s, %s::varbit)", branch_id, format(bit, f"0{width}b"))
                for branch_id, bit in scope.bit_of.items()
            ),
        )

    @api.model
    def _fetch_facts(self, scope, partners, date, everyone=False, readonly=False):
        """Yield, in chunks, one row of facts per customer of the company who has an
        open entry or might meet a sequenced profile (the amount in its window
        exceeds its minimum); with ``everyone``, per customer of ``partners`` with
        open items. PostgreSQL aggregates every open item, once.

        With ``readonly`` (a dry run), the same query creates nothing on the
        way: its rows come through a cursor (``_stream_facts``), which a
        read-only transaction, a read replica's too, allows."""
        rules = scope.rules
        Receivable = self.env["collection.receivable"]
        # What is claimed of each item: all of it when nothing is in dispute,
        # which spares the query a column over every item.
        disputes = Receivable._open_disputes_in(scope.tree)
        claimable = SQL("item.claimable") if disputes else SQL("item.residual")
        window_columns = []  # (name, aggregate)
        might_meet = []
        for index, rule in enumerate(rules):
            window = self._window_sql(rule, claimable)
            amount = SQL.identifier(f"amount_{index}")
            window_columns.append(
                (
                    amount,
                    SQL("COALESCE(SUM(%s) FILTER (WHERE %s), 0)", claimable, window),
                )
            )
            if rule.branch_mask:
                window_columns.append(
                    (
                        SQL.identifier(f"branches_{index}"),
                        SQL("BIT_OR(tree.bit) FILTER (WHERE %s)", window),
                    )
                )
            # Necessary to meet the profile (credits only lower the amount): lets
            # PostgreSQL drop, before Python sees them, customers who meet nothing.
            might_meet.append(SQL("fact.%s > %s", amount, rule.min_amount))
        if everyone:
            keep = SQL("TRUE")
        else:
            keep = SQL(
                "entry.id IS NOT NULL OR (fact.amount_due > 0 AND (%s))",
                SQL(" OR ").join(might_meet or [SQL("FALSE")]),
            )
        query = SQL(
            """
            WITH tree(company_id, bit) AS %(tree)s,
            -- OFFSET 0 keeps the items from being inlined into the aggregates:
            -- each item's days and residual are then computed once, not once
            -- per filtered aggregate.
            item AS (%(open_items)s OFFSET 0),
            fact AS (
                SELECT item.partner_id,
                       SUM(item.residual) AS amount_due,
                       COALESCE(-SUM(item.residual) FILTER (WHERE item.residual < 0), 0)
                           AS credit_amount,
                       -- What is past due and not in dispute.
                       COALESCE(SUM(%(claimable)s) FILTER (WHERE %(claimable)s > 0 AND item.days > 0), 0)
                           AS amount_overdue,
                       MAX(item.days) FILTER (WHERE %(claimable)s > 0) AS days_past_due,
                       %(amount_disputed)s AS amount_disputed
                       %(window_aggregates)s
                  FROM item
                  JOIN tree ON tree.company_id = item.company_id
                 GROUP BY item.partner_id
            ),
            entry AS (
                -- Subject to the rules: entries of sequenced queues, and those the
                -- System placed; pinned: a user's placement in a queue that is not.
                SELECT entry.id, entry.partner_id, entry.profile_id,
                       profile.auto_sequence OR NOT entry.is_manual AS sequenced,
                       entry.amount_past_due, entry.amount_due, entry.credit_amount,
                       entry.days_past_due
                  FROM collection_queue entry
                  JOIN collection_profile profile ON profile.id = entry.profile_id
                 WHERE entry.state = 'open' AND entry.company_id = %(company_id)s
                       %(entry_partners)s
            )
            SELECT partner.id AS partner_id,
                   partner.is_company,
                   %(categories)s AS category_ids,
                   entry.id AS entry_id,
                   entry.profile_id AS entry_profile_id,
                   entry.sequenced AS entry_sequenced,
                   entry.amount_past_due AS entry_amount_past_due,
                   entry.amount_due AS entry_amount_due,
                   entry.credit_amount AS entry_credit_amount,
                   entry.days_past_due AS entry_days_past_due,
                   fact.amount_due, fact.credit_amount, fact.amount_overdue,
                   fact.days_past_due, fact.amount_disputed %(window_columns)s
              FROM fact
              FULL JOIN entry ON entry.partner_id = fact.partner_id
              JOIN res_partner partner ON partner.id = COALESCE(fact.partner_id, entry.partner_id)
             WHERE %(keep)s
            """,
            tree=self._tree_sql(scope),
            open_items=Receivable._open_items_sql(
                date, scope.tree, partners, with_claimable=disputes
            ),
            claimable=claimable,
            # Past due and in dispute.
            amount_disputed=SQL(
                "COALESCE(SUM(item.residual - item.claimable) "
                "FILTER (WHERE item.residual > 0 AND item.days > 0), 0)"
            )
            if disputes
            else SQL("0"),
            window_aggregates=SQL("").join(
                SQL(", %s AS %s", aggregate, name) for name, aggregate in window_columns
            ),
            window_columns=SQL("").join(
                SQL(", fact.%s", name) for name, _aggregate in window_columns
            ),
            company_id=scope.company.id,
            entry_partners=(
                SQL("AND entry.partner_id = ANY(%s)", partners.ids)
                if partners is not None
                else SQL()
            ),
            categories=(
                SQL(
                    "ARRAY(SELECT category_id FROM res_partner_res_partner_category_rel "
                    "WHERE partner_id = partner.id)"
                )
                if any(rule.category_ids for rule in rules)
                else SQL("NULL::int[]")
            ),
            keep=keep,
        )
        self.env.flush_all()
        if readonly:
            yield from self._stream_facts(query)
            return
        # The facts land in a temporary table, read back a chunk at a time: the
        # memory of a refresh stays bounded whatever the size of the book, and each
        # chunk is applied (using the cursor) before the next is read.
        cr = self.env.cr
        cr.execute("DROP TABLE IF EXISTS collection_refresh_fact")
        with sql.pg_settings(cr, **FACTS_QUERY_SETTINGS):
            cr.execute(
                SQL(
                    "CREATE TEMPORARY TABLE collection_refresh_fact ON COMMIT DROP AS %s",
                    query,
                )
            )
            fact_count = cr.rowcount
        if fact_count > sql.CHUNK:
            cr.execute("CREATE INDEX ON collection_refresh_fact (partner_id)")
        last = 0
        while True:
            cr.execute(
                SQL(
                    """
                    SELECT * FROM collection_refresh_fact
                     WHERE partner_id > %s ORDER BY partner_id LIMIT %s
                    """,
                    last,
                    sql.CHUNK,
                )
            )
            # The query's columns vary with the company's rules (a window's
            # amount and branches per profile): a row type per chunk read.
            row_type = namedtuple("FactRow", [column.name for column in cr.description])
            rows = list(map(row_type._make, cr.fetchall()))
            if rows:
                last = rows[-1].partner_id
                yield rows
            if len(rows) < sql.CHUNK:
                break
        cr.execute("DROP TABLE collection_refresh_fact")

    @api.model
    def _stream_facts(self, query):
        """Yield the rows of the facts ``query`` in chunks through a cursor of
        PostgreSQL, by customer as from the temporary table: the query runs
        once, the memory stays bounded, and nothing is created (a read-only
        transaction refuses even a temporary table, a hot-standby replica any).
        For a dry run: nothing is written between two chunks."""
        cr = self.env.cr
        cursor = SQL.identifier(
            f"collection_refresh_fact_{next(_facts_cursor_numbers)}"
        )
        # A cursor is planned to return its first rows fast by default: this one
        # is read whole, as the temporary table is filled. The first chunk runs
        # the aggregation, under the settings too.
        with sql.pg_settings(cr, cursor_tuple_fraction="1", **FACTS_QUERY_SETTINGS):
            cr.execute(
                SQL(
                    "DECLARE %s NO SCROLL CURSOR FOR "
                    "SELECT * FROM (%s) AS facts ORDER BY facts.partner_id",
                    cursor,
                    query,
                )
            )
            cr.execute(SQL("FETCH %s FROM %s", sql.CHUNK, cursor))
            row_type = namedtuple("FactRow", [column.name for column in cr.description])
            rows = cr.fetchall()
        while rows:
            yield list(map(row_type._make, rows))
            if len(rows) < sql.CHUNK:
                break
            cr.execute(SQL("FETCH %s FROM %s", sql.CHUNK, cursor))
            rows = cr.fetchall()
        cr.execute(SQL("CLOSE %s", cursor))

    @api.model
    def _window_details(self, scope, placements, date):
        """How many items, from which branches, make up the window of the profile
        each customer is placed in: what the reason tells, fetched only for the
        customers who change queue.

        :param placements: [(partner id, ProfileRule)]
        :return: {partner id: (count, branch mask)}
        """
        if not placements:
            return {}
        partners = self.env["res.partner"].browse(
            [partner_id for partner_id, _rule in placements]
        )
        rows = self.env.execute_query(
            SQL(
                """
                WITH tree(company_id, bit) AS %(tree)s,
                placed(partner_id, days_min, days_max) AS (VALUES %(placed)s),
                item AS (%(open_items)s)
                SELECT item.partner_id, COUNT(*), BIT_OR(tree.bit)
                  FROM item
                  JOIN tree ON tree.company_id = item.company_id
                  JOIN placed ON placed.partner_id = item.partner_id
                 WHERE item.claimable > 0 AND item.days >= placed.days_min
                   AND (placed.days_max = 0 OR item.days <= placed.days_max)
                 GROUP BY item.partner_id
                """,
                tree=self._tree_sql(scope),
                placed=SQL(", ").join(
                    SQL("(%s, %s, %s)", partner_id, rule.days_min, rule.days_max)
                    for partner_id, rule in placements
                ),
                open_items=self.env["collection.receivable"]._open_items_sql(
                    date, scope.tree, partners
                ),
            )
        )
        return {
            partner_id: (count, int(branches or "0", 2))
            for partner_id, count, branches in rows
        }

    # ------------------------------------------------------------------
    # Decision: the planner, row by row
    # ------------------------------------------------------------------

    @api.model
    def _decide(self, scope, rows, closing=None):
        """[(decision, row)] for the rows that lead to a change or an update.

        ``closing``: profiles being closed; their customers are re-sequenced as if
        placed by the rules, and the closed profiles are no candidates.
        """
        rules = scope.rules
        candidates = [
            rule for rule in rules if not closing or rule.profile_id not in closing.ids
        ]
        credits_reduce, digits = scope.credits_reduce, scope.digits
        # Per rule: its profile and the columns of its window's facts.
        window_columns = [
            (
                rule.profile_id,
                f"amount_{index}",
                rule.branch_mask and f"branches_{index}",
            )
            for index, rule in enumerate(rules)
        ]
        no_categories = frozenset()
        decisions = []
        for row in rows:
            windows = {}
            for profile_id, amount_column, branches_column in window_columns:
                amount = getattr(row, amount_column)
                # None: a customer with an entry and no open item left.
                if amount and amount > 0:
                    branches = branches_column and getattr(row, branches_column)
                    windows[profile_id] = planner.WindowFacts(
                        amount, int(branches, 2) if branches else 0
                    )
            current = None
            if row.entry_id:
                current = planner.CurrentEntry(
                    row.entry_id,
                    row.entry_profile_id,
                    bool(row.entry_sequenced or closing),
                )
            facts = planner.CustomerFacts(
                row.partner_id,
                bool(row.is_company),
                frozenset(row.category_ids) if row.category_ids else no_categories,
                row.credit_amount or 0.0,
                windows,
                row.amount_due or 0.0,
                current,
            )
            decision = planner.decide(
                candidates, facts, credits_reduce=credits_reduce, digits=digits
            )
            if decision is not None:
                decisions.append((decision, row))
        return decisions

    # ------------------------------------------------------------------
    # Apply: bulk writes and history
    # ------------------------------------------------------------------

    @api.model
    def _amounts(self, scope, decision, row):
        """The figures stored on the customer's entry."""
        credit_amount = row.credit_amount or 0.0
        if decision.window:
            amount_past_due = planner.qualifying_amount(
                decision.window, credit_amount, scope.credits_reduce
            )
        else:  # pinned: everything past due
            amount_past_due = row.amount_overdue or 0.0
        return {
            "amount_past_due": amount_past_due,
            "amount_due": row.amount_due or 0.0,
            "credit_amount": credit_amount,
            "days_past_due": row.days_past_due or 0,
        }

    @api.model
    def _apply(self, scope, decisions, date, closing=False):
        Queue = self.env["collection.queue"].sudo()
        placements, moves, removals, updates = [], [], [], {}
        # Iterated from one recordset, the entries share its prefetching: they
        # are read in one query.
        entry_of = {
            entry.id: entry
            for entry in Queue.browse(
                [
                    row.entry_id
                    for decision, row in decisions
                    if decision.action in (planner.MOVED, planner.REMOVED)
                ]
            )
        }
        details = self._window_details(
            scope,
            [
                (row.partner_id, decision.rule)
                for decision, row in decisions
                if decision.action in (planner.ADDED, planner.MOVED)
            ],
            date,
        )
        for decision, row in decisions:
            if decision.action == planner.REMOVED:
                removals.append(
                    {
                        "entry": entry_of[row.entry_id],
                        "reason": self._removal_reason(scope, row, closing),
                        "outcome": "closed"
                        if closing
                        else "disputed"
                        if self._disputed(scope, row)
                        else "paid",
                    }
                )
                continue
            amounts = self._amounts(scope, decision, row)
            if decision.action == planner.ADDED:
                placements.append(
                    {
                        "partner_id": row.partner_id,
                        "profile": scope.profiles[decision.rule.profile_id],
                        "reason": self._reason(scope, decision, row, details),
                        **amounts,
                    }
                )
            elif decision.action == planner.MOVED:
                moves.append(
                    {
                        "entry": entry_of[row.entry_id],
                        "profile": scope.profiles[decision.rule.profile_id],
                        "reason": self._reason(scope, decision, row, details, closing),
                        **amounts,
                    }
                )
            elif not self._same_amounts(scope, amounts, row):
                updates[row.entry_id] = tuple(amounts[name] for name in AMOUNT_FIELDS)
        # An entry a user changed meanwhile fails here, before anything is
        # written; one a user is changing waits for them.
        Queue.browse(
            [move["entry"].id for move in moves]
            + [removal["entry"].id for removal in removals]
            + list(updates)
        )._lock_for_update()
        if placements:
            Queue._place(placements)
        if moves:
            Queue._move(moves)
        for outcome in ("paid", "disputed", "closed"):
            ending = [removal for removal in removals if removal["outcome"] == outcome]
            if ending:
                Queue._remove(ending, outcome=outcome)
        if updates:
            Queue._update_amounts(updates)
        # Keep the cache (and the memory) of one chunk at a time.
        self.env.flush_all()
        self.env.invalidate_all()

    @api.model
    def _same_amounts(self, scope, amounts, row):
        digits = scope.digits
        for name in AMOUNT_FIELDS:
            stored = getattr(row, f"entry_{name}")
            if stored is None or round(amounts[name] - stored, digits):
                return False
        return True

    # ------------------------------------------------------------------
    # Reasons, in plain language
    # ------------------------------------------------------------------

    @api.model
    def _reason(self, scope, decision, row, details, closing=False):
        """Why the rules place the customer in the decision's queue, e.g. "3 items
        61–90 days past due totalling 1,250.00 > 500.00; branch San Diego;
        priority 30"."""
        rule, window = decision.rule, decision.window
        amount = scope.format_amount
        count, branch_mask = details.get(row.partner_id, (0, 0))
        days = (
            f"{rule.days_min}–{rule.days_max}" if rule.days_max else f"{rule.days_min}+"
        )
        total = amount(window.amount)
        credit_amount = row.credit_amount or 0.0
        if scope.credits_reduce and credit_amount:
            total = self.env._(
                "%(amount)s less %(credits)s of credits",
                amount=total,
                credits=amount(credit_amount),
            )
        if count == 1:
            text = self.env._(
                "1 item %(days)s days past due totalling %(total)s > %(minimum)s",
                days=days,
                total=total,
                minimum=amount(rule.min_amount),
            )
        else:
            text = self.env._(
                "%(count)s items %(days)s days past due totalling %(total)s > %(minimum)s",
                count=count,
                days=days,
                total=total,
                minimum=amount(rule.min_amount),
            )
        branches = self._branch_names(scope, branch_mask & (rule.branch_mask or -1))
        if branches:
            text = self.env._(
                "%(reason)s; branch %(names)s", reason=text, names=branches
            )
        text = self.env._(
            "%(reason)s; priority %(number)s",
            reason=text,
            number=rule.sequence_number,
        )
        if closing:
            text = self.env._("Queue closed; %(reason)s", reason=text)
        return text

    @api.model
    def _disputed(self, scope, row):
        """Whether what the customer has past due is in dispute."""
        return round(row.amount_disputed or 0.0, scope.digits) > 0

    def _removal_reason(self, scope, row, closing=False):
        if closing:
            return self.env._("Queue closed; no other queue's rules are met")
        if self._disputed(scope, row):
            return self.env._(
                "No longer meets the rules of any queue: %(amount)s past due is in "
                "dispute",
                amount=scope.format_amount(row.amount_disputed),
            )
        if not row.days_past_due or row.days_past_due <= 0:
            return self.env._(
                "No longer meets the rules of any queue: nothing past due"
            )
        if round(row.amount_due or 0.0, scope.digits) <= 0:
            return self.env._(
                "No longer meets the rules of any queue: owes nothing (balance "
                "%(amount)s, credits included)",
                amount=scope.format_amount(row.amount_due or 0.0),
            )
        return self.env._(
            "No longer meets the rules of any queue (oldest item %(days)s days past "
            "due, %(amount)s due)",
            days=row.days_past_due,
            amount=scope.format_amount(row.amount_due or 0.0),
        )

    @api.model
    def _branch_names(self, scope, mask):
        """The branches (not the company itself) among the bits of ``mask``."""
        return ", ".join(
            branch.name
            for branch in scope.tree
            if scope.bit_of[branch.id] & mask and branch != scope.company
        )

    @api.model
    def _describe(self, scope, decisions, date):
        """The planned changes of a dry run, for people and for callers."""
        changes = [
            (decision, row)
            for decision, row in decisions
            if decision.action not in (planner.UNCHANGED, planner.PINNED)
        ]
        details = self._window_details(
            scope,
            [
                (row.partner_id, decision.rule)
                for decision, row in changes
                if decision.rule
            ],
            date,
        )
        for decision, row in changes:
            yield {
                "partner_id": row.partner_id,
                "company_id": scope.company.id,
                "action": decision.action,
                "from_profile_id": row.entry_profile_id or False,
                "profile_id": decision.rule.profile_id if decision.rule else False,
                "reason": (
                    self._reason(scope, decision, row, details)
                    if decision.rule
                    else self._removal_reason(scope, row)
                ),
            }
