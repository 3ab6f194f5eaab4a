import logging

from odoo import api, fields, models
from odoo.tools import SQL, formatLang, split_every

from ..services import planner
from .collection_queue import AMOUNT_FIELDS

_logger = logging.getLogger(__name__)

# Namespace of the PostgreSQL advisory locks that keep two refreshes of the same
# company from running at the same time (the second key is the company id).
REFRESH_LOCK_NAMESPACE = 0x6371  # "cq"

# Customers applied per chunk: bounds the ORM cache of one refresh.
APPLY_CHUNK = 2000
FETCH_CHUNK = 10000


class CollectionSequencer(models.AbstractModel):
    """The sequencing refresh: fetch the facts (one set-based query), let the
    planner decide (pure Python), apply the changes (bulk writes + history)."""

    _name = "collection.sequencer"
    _description = "Collection Queue Sequencing"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _refresh(self, companies, partners=None, date=None, dry_run=False):
        """Re-sequence ``partners`` (commercial partners; None: all) in
        ``companies`` as of ``date``. See ``collection.profile.refresh_queues``."""
        date = date or fields.Date.context_today(self)
        result = {"added": 0, "moved": 0, "removed": 0, "unchanged": 0}
        if dry_run:
            result["changes"] = {}
        scopes, skipped = self._scopes(companies, lock=not dry_run)
        result["skipped_companies"] = [company.display_name for company in skipped]
        if partners is not None and not partners:
            return result
        for scope in scopes:
            for rows in self._fetch_facts(scope, partners, date):
                decisions = self._decide(scope, rows)
                for action in ("added", "moved", "removed", "unchanged"):
                    result[action] += sum(
                        1 for decision, _facts in decisions if decision.action == action
                    )
                result["unchanged"] += sum(
                    1
                    for decision, _facts in decisions
                    if decision.action == planner.PINNED
                )
                if dry_run:
                    for change in self._describe(scope, decisions):
                        result["changes"].setdefault(change["partner_id"], []).append(
                            change
                        )
                else:
                    self._apply(scope, decisions)
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
        if not entries:
            return
        date = fields.Date.context_today(self)
        for company in entries.company_id:
            company_entries = entries.filtered(
                lambda entry, c=company: entry.company_id == c
            )
            scope = self._scope(company)
            for rows in self._fetch_facts(scope, company_entries.partner_id, date):
                decisions = self._decide(scope, rows, closing=profiles)
                self._apply(scope, decisions, closing=True)

    # ------------------------------------------------------------------
    # Scope: the companies refreshed, their trees and rules
    # ------------------------------------------------------------------

    @api.model
    def _scopes(self, companies, lock=True):
        """The companies that have sequenced queues (or customers in them), each
        with its rules; with ``lock``, those another refresh holds are skipped."""
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
                    ("profile_id.auto_sequence", "=", True),
                ],
                ["company_id"],
            )
        )
        active = self.env["res.company"].union(
            *(company for (company,) in profile_companies + entry_companies)
        )
        scopes, skipped = [], self.env["res.company"]
        for company in active.sorted("id"):
            if lock and not self._try_lock(company):
                _logger.info(
                    "Collection queues of %s are already being refreshed: skipped",
                    company.name,
                )
                skipped |= company
                continue
            scopes.append(self._scope(company))
        return scopes, skipped

    @api.model
    def _try_lock(self, company):
        self.env.cr.execute(
            SQL(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                REFRESH_LOCK_NAMESPACE,
                company.id,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _scope(self, company):
        """The company, the companies whose items count (itself and its branches,
        each given a bit), its active sequenced profiles and their rules."""
        company = company.sudo()
        tree = (
            self.env["res.company"]
            .sudo()
            .search([("id", "child_of", company.id)], order="id")
        )
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
        return {
            "company": company,
            "tree": tree,
            "bit_of": bit_of,
            "profiles": {profile.id: profile for profile in profiles},
            "rules": rules,
            "credits_reduce": company.collection_credits_reduce_amount,
            "digits": company.currency_id.decimal_places,
        }

    # ------------------------------------------------------------------
    # Facts: one set-based query
    # ------------------------------------------------------------------

    @api.model
    def _open_items_sql(self, date, companies=None, partners=None):
        """The open receivable items, as Odoo's Aged Receivable counts them: posted
        journal items on (trade) receivable accounts, not reconciled, with a
        residual; credits (negative residuals) included. Columns: ``company_id``,
        ``partner_id`` (commercial partner), ``days`` past due as of ``date``,
        ``residual`` (company currency)."""
        conditions = [
            SQL("account.account_type = 'asset_receivable'"),
            SQL("account.non_trade IS NOT TRUE"),
            SQL("line.parent_state = 'posted'"),
            # Written like the ORM's domain, so that Odoo's partial index on
            # unreconciled items serves the query.
            SQL("line.reconciled IS NOT TRUE"),
            SQL("line.amount_residual != 0"),
        ]
        if companies is not None:
            conditions.append(SQL("line.company_id = ANY(%s)", companies.ids))
        if partners is not None:
            conditions.append(
                SQL(
                    "line.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s))",
                    partners.ids,
                )
            )
        return SQL(
            """
            SELECT line.company_id,
                   partner.commercial_partner_id AS partner_id,
                   %(date)s::date - COALESCE(line.date_maturity, line.date) AS days,
                   line.amount_residual AS residual
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
              JOIN res_partner partner ON partner.id = line.partner_id
             WHERE %(conditions)s
            """,
            date=date,
            conditions=SQL(" AND ").join(conditions),
        )

    @api.model
    def _fetch_facts(self, scope, partners, date, everyone=False):
        """Yield, in chunks, the facts of every customer of the company who has an
        open entry or might meet a sequenced profile (the amount in some window
        exceeds its minimum), or of ``everyone`` of ``partners`` who has open
        items: one row per customer, aggregated by PostgreSQL."""
        company = scope["company"]
        rules = scope["rules"]
        # Each company of the tree is one bit of a bit string, so that BIT_OR tells
        # which branches a customer's items in a window come from.
        width = len(scope["tree"])
        tree_bits = SQL(", ").join(
            SQL("(%s, %s::varbit)", branch_id, format(bit, f"0{width}b"))
            for branch_id, bit in scope["bit_of"].items()
        )
        window_aggregates = []
        might_meet = []
        for index, rule in enumerate(rules):
            window = SQL(
                "item.residual > 0 AND item.days >= %s%s",
                rule.days_min,
                SQL(" AND item.days <= %s", rule.days_max) if rule.days_max else SQL(),
            )
            window_aggregates.append(
                SQL(
                    """,
                    COUNT(*) FILTER (WHERE %(window)s) AS %(count)s,
                    COALESCE(SUM(item.residual) FILTER (WHERE %(window)s), 0) AS %(amount)s,
                    BIT_OR(tree.bit) FILTER (WHERE %(window)s) AS %(branches)s
                    """,
                    window=window,
                    count=SQL.identifier(f"count_{index}"),
                    amount=SQL.identifier(f"amount_{index}"),
                    branches=SQL.identifier(f"branches_{index}"),
                )
            )
            # Necessary for meeting the profile (credits can only lower the amount):
            # lets PostgreSQL drop, before Python sees them, the customers who
            # cannot meet any profile.
            might_meet.append(
                SQL(
                    "fact.%s > %s",
                    SQL.identifier(f"amount_{index}"),
                    rule.min_amount,
                )
            )
        need_categories = any(rule.category_ids for rule in rules)
        query = SQL(
            """
            WITH tree(company_id, bit) AS (VALUES %(tree_bits)s),
            item AS (%(open_items)s),
            fact AS (
                SELECT item.partner_id,
                       SUM(item.residual) AS amount_due,
                       COALESCE(-SUM(item.residual) FILTER (WHERE item.residual < 0), 0) AS credit_amount,
                       COALESCE(SUM(item.residual) FILTER (WHERE item.residual > 0 AND item.days > 0), 0) AS amount_overdue,
                       MAX(item.days) FILTER (WHERE item.residual > 0) AS days_past_due
                       %(window_aggregates)s
                  FROM item
                  JOIN tree ON tree.company_id = item.company_id
                 GROUP BY item.partner_id
            ),
            entry AS (
                SELECT entry.id, entry.partner_id, entry.profile_id, profile.auto_sequence,
                       entry.amount_past_due, entry.amount_due, entry.credit_amount, entry.days_past_due
                  FROM collection_queue entry
                  JOIN collection_profile profile ON profile.id = entry.profile_id
                 WHERE entry.state = 'open' AND entry.company_id = %(company_id)s
                       %(entry_partners)s
            )
            SELECT COALESCE(fact.partner_id, entry.partner_id) AS partner_id,
                   partner.is_company,
                   %(categories)s AS category_ids,
                   entry.id AS entry_id, entry.profile_id AS entry_profile_id,
                   entry.auto_sequence AS entry_sequenced,
                   entry.amount_past_due AS entry_amount_past_due,
                   entry.amount_due AS entry_amount_due,
                   entry.credit_amount AS entry_credit_amount,
                   entry.days_past_due AS entry_days_past_due,
                   fact.*
              FROM fact
              FULL JOIN entry ON entry.partner_id = fact.partner_id
              JOIN res_partner partner ON partner.id = COALESCE(fact.partner_id, entry.partner_id)
             WHERE entry.id IS NOT NULL OR %(might_meet)s
            """,
            tree_bits=tree_bits,
            open_items=self._open_items_sql(date, scope["tree"], partners),
            window_aggregates=SQL("").join(window_aggregates),
            company_id=company.id,
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
                if need_categories
                else SQL("NULL::int[]")
            ),
            might_meet=(
                SQL("TRUE")
                if everyone
                else SQL(" OR ").join(might_meet)
                if might_meet
                else SQL("FALSE")
            ),
        )
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(query)
        columns = [column.name for column in cr.description]
        while rows := cr.fetchmany(FETCH_CHUNK):
            yield [dict(zip(columns, row, strict=True)) for row in rows]

    @api.model
    def _current_amounts(self, company, partners):
        """{partner id: figures of a queue entry} for customers placed by hand."""
        scope = self._scope(company)
        date = fields.Date.context_today(self)
        return {
            row["partner_id"]: self._amounts(
                scope, planner.Decision(planner.PINNED), row
            )
            for rows in self._fetch_facts(scope, partners, date, everyone=True)
            for row in rows
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
        rules = scope["rules"]
        if closing:
            rules = [rule for rule in rules if rule.profile_id not in closing.ids]
        decisions = []
        for row in rows:
            current = None
            if row["entry_id"]:
                current = planner.CurrentEntry(
                    entry_id=row["entry_id"],
                    profile_id=row["entry_profile_id"],
                    sequenced=bool(row["entry_sequenced"] or closing),
                )
            facts = planner.CustomerFacts(
                partner_id=row["partner_id"],
                is_company=bool(row["is_company"]),
                category_ids=frozenset(row["category_ids"] or ()),
                credit_amount=float(row["credit_amount"] or 0.0),
                windows={
                    rule.profile_id: planner.WindowFacts(
                        count=row[f"count_{index}"],
                        amount=float(row[f"amount_{index}"]),
                        branch_mask=int(row[f"branches_{index}"] or "0", 2),
                    )
                    for index, rule in enumerate(scope["rules"])
                    if row[f"count_{index}"]
                },
                current=current,
            )
            decision = planner.decide(
                rules,
                facts,
                credits_reduce=scope["credits_reduce"],
                digits=scope["digits"],
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
        credit_amount = float(row["credit_amount"] or 0.0)
        amount_past_due = (
            planner.qualifying_amount(
                decision.window, credit_amount, scope["credits_reduce"]
            )
            if decision.window
            else float(row["amount_overdue"] or 0.0)
        )
        return {
            "amount_past_due": amount_past_due,
            "amount_due": float(row["amount_due"] or 0.0),
            "credit_amount": credit_amount,
            "days_past_due": row["days_past_due"] or 0,
        }

    @api.model
    def _apply(self, scope, decisions, closing=False):
        Queue = self.env["collection.queue"].sudo()
        for chunk in split_every(APPLY_CHUNK, decisions, list):
            placements, moves, removals, updates = [], [], [], {}
            for decision, row in chunk:
                amounts = self._amounts(scope, decision, row)
                if decision.action == planner.ADDED:
                    placements.append(
                        {
                            "partner_id": row["partner_id"],
                            "profile": scope["profiles"][decision.rule.profile_id],
                            "reason": self._reason(scope, decision, row),
                            **amounts,
                        }
                    )
                elif decision.action == planner.MOVED:
                    moves.append(
                        {
                            "entry": Queue.browse(row["entry_id"]),
                            "profile": scope["profiles"][decision.rule.profile_id],
                            "reason": self._reason(
                                scope, decision, row, closing=closing
                            ),
                            **amounts,
                        }
                    )
                elif decision.action == planner.REMOVED:
                    removals.append(
                        {
                            "entry": Queue.browse(row["entry_id"]),
                            "reason": self._removal_reason(scope, row, closing=closing),
                        }
                    )
                else:
                    values = tuple(amounts[name] for name in AMOUNT_FIELDS)
                    stored = tuple(row[f"entry_{name}"] for name in AMOUNT_FIELDS)
                    if not self._same_amounts(scope, values, stored):
                        updates[row["entry_id"]] = values
            if placements:
                Queue._place(placements)
            if moves:
                Queue._move(moves)
            if removals:
                Queue._remove(removals)
            if updates:
                Queue._update_amounts(updates)
            # Keep the cache (and the memory) of one chunk at a time.
            self.env.flush_all()
            self.env.invalidate_all()

    @api.model
    def _same_amounts(self, scope, values, stored):
        digits = scope["digits"]
        return all(
            old is not None and round(float(new) - float(old), digits) == 0
            for new, old in zip(values, stored, strict=True)
        )

    @api.model
    def _bulk_update(self, table, columns, values_by_id):
        """UPDATE many rows with row-specific values, a few thousand per statement."""
        now = fields.Datetime.now()
        for chunk in split_every(5000, values_by_id.items(), list):
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE %(table)s AS target
                       SET %(assignments)s, write_date = %(now)s, write_uid = %(uid)s
                      FROM (VALUES %(values)s) AS source(id, %(columns)s)
                     WHERE target.id = source.id
                    """,
                    table=SQL.identifier(table),
                    assignments=SQL(", ").join(
                        SQL(
                            "%s = source.%s",
                            SQL.identifier(column),
                            SQL.identifier(column),
                        )
                        for column in columns
                    ),
                    now=now,
                    uid=self.env.uid,
                    columns=SQL(", ").join(
                        SQL.identifier(column) for column in columns
                    ),
                    values=SQL(", ").join(
                        SQL(
                            "(%s, %s)",
                            record_id,
                            SQL(", ").join(SQL("%s", value) for value in values),
                        )
                        for record_id, values in chunk
                    ),
                )
            )

    # ------------------------------------------------------------------
    # Reasons, in plain language
    # ------------------------------------------------------------------

    @api.model
    def _reason(self, scope, decision, row, closing=False):
        """Why the rules place the customer in the decision's queue, e.g. "3 items
        61–90 days past due totalling 1,250.00 > 500.00; branch San Diego;
        priority 30"."""
        rule, window = decision.rule, decision.window
        digits = scope["digits"]

        def amount(value):
            return formatLang(self.env, value, digits=digits)

        days = (
            f"{rule.days_min}–{rule.days_max}" if rule.days_max else f"{rule.days_min}+"
        )
        total = amount(window.amount)
        credit_amount = float(row["credit_amount"] or 0.0)
        if scope["credits_reduce"] and credit_amount:
            total = self.env._(
                "%(amount)s less %(credits)s of credits",
                amount=total,
                credits=amount(credit_amount),
            )
        if window.count == 1:
            text = self.env._(
                "1 item %(days)s days past due totalling %(total)s > %(minimum)s",
                days=days,
                total=total,
                minimum=amount(rule.min_amount),
            )
        else:
            text = self.env._(
                "%(count)s items %(days)s days past due totalling %(total)s > %(minimum)s",
                count=window.count,
                days=days,
                total=total,
                minimum=amount(rule.min_amount),
            )
        branches = self._branch_names(
            scope, window.branch_mask & (rule.branch_mask or -1)
        )
        if len(scope["tree"]) > 1 and branches:
            text += "; " + self.env._("branch %(names)s", names=branches)
        text += "; " + self.env._("priority %(number)s", number=rule.sequence_number)
        if closing:
            text = self.env._("Queue closed; %(reason)s", reason=text)
        return text

    @api.model
    def _removal_reason(self, scope, row, closing=False):
        if closing:
            return self.env._("Queue closed; no other queue's rules are met")
        if not row["days_past_due"]:
            return self.env._(
                "No longer meets the rules of any queue: nothing past due"
            )
        return self.env._(
            "No longer meets the rules of any queue (oldest item %(days)s days past "
            "due, %(amount)s due)",
            days=row["days_past_due"],
            amount=formatLang(
                self.env, float(row["amount_due"] or 0), digits=scope["digits"]
            ),
        )

    @api.model
    def _branch_names(self, scope, mask):
        return ", ".join(
            branch.name for branch in scope["tree"] if scope["bit_of"][branch.id] & mask
        )

    @api.model
    def _describe(self, scope, decisions):
        """The planned changes of a dry run, for people and for callers."""
        for decision, row in decisions:
            if decision.action in (planner.UNCHANGED, planner.PINNED):
                continue
            yield {
                "partner_id": row["partner_id"],
                "company_id": scope["company"].id,
                "action": decision.action,
                "from_profile_id": row["entry_profile_id"] or False,
                "profile_id": decision.rule.profile_id if decision.rule else False,
                "reason": (
                    self._reason(scope, decision, row)
                    if decision.rule
                    else self._removal_reason(scope, row)
                ),
            }
