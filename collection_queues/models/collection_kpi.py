# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import kpis
from . import collection_arguments as arguments

# The years a period may lie in: books, not the calendar's ends.
MIN_YEAR, MAX_YEAR = 1900, 2999
# The longest period the KPIs are computed for.
MAX_PERIOD_DAYS = 366 * 2


class CollectionKpi(models.AbstractModel):
    """The collection KPIs of a company for a period: the figures read set-based
    from the journal items and the queue entries (one query per kind), the
    formulas in tools/kpis.py."""

    _name = "collection.kpi"
    _description = "Collection KPIs"

    @api.model
    @api.readonly
    @arguments.public_method
    def get_kpis(self, date_from, date_to, company=None):
        """DSO (countback), best possible DSO, average days delinquent, CEI,
        receivables by queue and aging bucket at ``date_to``, promise kept rate
        and the amounts collected while in collections, for ``company`` (default:
        the current one) and its branches, in the company's currency. Read only:
        through the web client, a read replica serves it when Odoo has one
        (``db_replica_host``).

        :param date_from: first day of the period (a date or ``YYYY-MM-DD``)
        :param date_to: last day of the period
        :param company: a ``res.company`` record or id among the user's companies
        :return: a dict of plain data (dates as ``YYYY-MM-DD``), see the readme;
            a KPI the books give no honest value is ``False``, and
            ``not_meaningful`` says why: {kpi key: reason}
        """
        if not self.env.su and not self.env.user.has_group(
            "collection_queues.group_collection_manager"
        ):
            raise AccessError(
                self.env._("Only collections managers read the collection KPIs.")
            )
        date_from = arguments.date_arg(self.env, date_from, self.env._("Start date"))
        date_to = arguments.date_arg(self.env, date_to, self.env._("End date"))
        for day in (date_from, date_to):
            if not MIN_YEAR <= day.year <= MAX_YEAR:
                raise UserError(
                    self.env._(
                        "The period lies between the years %(first)s and %(last)s, "
                        "not on %(date)s.",
                        first=MIN_YEAR,
                        last=MAX_YEAR,
                        date=day,
                    )
                )
        if date_to < date_from:
            raise UserError(self.env._("The period ends before it starts."))
        if kpis.period_days(date_from, date_to) > MAX_PERIOD_DAYS:
            raise UserError(self.env._("The period is longer than two years."))
        company = (
            arguments.record_arg(
                self.env, "res.company", company, self.env._("company")
            )
            or self.env.company
        )
        if not self.env.su and company not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You do not work in %(company)s.", company=company.display_name
                )
            )
        return self._compute(company.sudo(), date_from, date_to)

    @api.model
    def _compute(self, company, date_from, date_to):
        self.env.flush_all()
        tree = self.env["collection.receivable"]._company_tree(company)
        digits = company.currency_id.decimal_places
        receivables = self._receivables(company, tree, date_from, date_to)
        sales = self._sales(tree, date_from, date_to)
        days = kpis.period_days(date_from, date_to)
        totals = receivables["total"]
        indexes, reasons = kpis.indexes(
            receivables["begin"],
            totals["balance"],
            totals["not_due"],
            sales["period"],
            sales["monthly"],
            date_to,
            days,
            digits=digits,
        )
        promise_counts = self._promise_counts(tree, date_from, date_to)
        judged = sum(promise_counts.values())
        collected = self._collected(company, date_from, date_to)

        def rounded(value, precision=digits):
            # False for "no value", as both RPC protocols carry it.
            return False if value is None else round(value, precision)

        kept_rate = kpis.share(promise_counts.get("kept", 0), judged)
        if kept_rate is None:
            reasons["promise_kept_rate"] = kpis.NO_PROMISES
        disputes = self._disputes(tree, date_from, date_to)
        if not disputes["closed"]:
            reasons["dispute_days_to_close"] = kpis.NO_DISPUTES_CLOSED
            reasons["dispute_accepted_share"] = kpis.NO_DISPUTES_CLOSED
        wording = self._not_meaningful_reasons()
        return {
            "company_id": company.id,
            "currency": company.currency_id.name,
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
            "days": days,
            "receivable_begin": rounded(receivables["begin"]),
            "receivable_end": rounded(totals["balance"]),
            "receivable_end_current": rounded(totals["not_due"]),
            "credit_sales": rounded(sales["period"]),
            **{key: rounded(value, 1) for key, value in indexes.items()},
            "promises_judged": judged,
            "promises_kept": promise_counts.get("kept", 0),
            "promise_kept_rate": rounded(kept_rate, 1),
            "disputed_total": rounded(
                sum(row["amount"] for row in disputes["by_reason"])
            ),
            "disputes_by_reason": [
                {**row, "amount": rounded(row["amount"])}
                for row in disputes["by_reason"]
            ],
            "disputes_by_owner": [
                {**row, "amount": rounded(row["amount"])}
                for row in disputes["by_owner"]
            ],
            "disputes_closed": disputes["closed"],
            "dispute_days_to_close": rounded(disputes["days_to_close"], 1),
            "dispute_accepted_share": rounded(
                kpis.share(disputes["accepted"], disputes["closed"]), 1
            ),
            "not_meaningful": {key: wording[code] for key, code in reasons.items()},
            "receivables_by_queue": [
                {**row, **{key: rounded(row[key]) for key in self._bucket_keys()}}
                for row in receivables["by_queue"]
            ],
            "collected_total": rounded(sum(row["collected"] for row in collected)),
            "collected": [
                {
                    **row,
                    "collected": rounded(row["collected"]),
                    "due_at_placement": rounded(row["due_at_placement"]),
                    "share": rounded(
                        kpis.share(row["collected"], row["due_at_placement"]), 1
                    ),
                }
                for row in collected
            ],
        }

    @api.model
    def _not_meaningful_reasons(self):
        """Why a KPI has no value, in the user's words: {reason code: text}."""
        return {
            kpis.NEGATIVE_RECEIVABLES: self.env._(
                "Customers' unapplied payments and credits exceed what they owe: "
                "the receivables are negative."
            ),
            kpis.UNCOVERED_RECEIVABLES: self.env._(
                "The credit sales of the last 24 months do not cover the receivables."
            ),
            kpis.NO_SALES: self.env._("No credit sales in the period."),
            kpis.NEGATIVE_SALES: self.env._(
                "Credit notes exceed the invoices of the period."
            ),
            kpis.NEGATIVE_CURRENT: self.env._(
                "Credits not yet due exceed the invoices not yet due."
            ),
            kpis.NEGATIVE_OVERDUE: self.env._(
                "Unapplied payments and credits exceed the overdue invoices."
            ),
            kpis.NOTHING_COLLECTIBLE: self.env._(
                "Nothing was collectible in the period."
            ),
            kpis.RECEIVABLES_GREW: self.env._(
                "The receivables grew by more than the credit sales (refunds paid "
                "to customers, receivables booked outside the sales journals)."
            ),
            kpis.NO_PROMISES: self.env._("No promise was judged in the period."),
            kpis.NO_DISPUTES_CLOSED: self.env._("No dispute was closed in the period."),
        }

    @api.model
    def _bucket_keys(self):
        return [key for key, _first, _last in kpis.BUCKETS] + ["balance"]

    @api.model
    def _receivables(self, company, tree, date_from, date_to):
        """The receivables of the company tree as of ``date_to``, per queue (the
        customer's queue in ``company`` that day) and aging bucket, each item's
        residual as of that day (the partial reconciliations dated later undone,
        as Odoo's Aged Receivable does); and the balance the day before
        ``date_from``."""
        buckets = SQL(", ").join(
            SQL(
                "SUM(residual) FILTER (WHERE %s)::float8 AS %s",
                SQL(" AND ").join(
                    [SQL("TRUE")]
                    + ([SQL("days >= %s", first)] if first is not None else [])
                    + ([SQL("days <= %s", last)] if last is not None else [])
                ),
                SQL.identifier(key),
            )
            for key, first, last in kpis.BUCKETS
        )
        end_of_day = fields.Datetime.to_datetime(date_to) + timedelta(days=1)
        self.env.cr.execute(
            SQL(
                """
                WITH item AS (
                    SELECT partner.commercial_partner_id AS partner_id,
                           %(date_to)s::date - COALESCE(line.date_maturity, line.date) AS days,
                           line.balance - COALESCE(settled_debit.amount, 0)
                                        + COALESCE(settled_credit.amount, 0) AS residual
                      FROM account_move_line line
                      JOIN res_partner partner ON partner.id = line.partner_id
                      LEFT JOIN (
                          SELECT debit_move_id AS line_id, SUM(amount) AS amount
                            FROM account_partial_reconcile
                           WHERE max_date <= %(date_to)s AND company_id = ANY(%(tree)s)
                           GROUP BY debit_move_id
                      ) settled_debit ON settled_debit.line_id = line.id
                      LEFT JOIN (
                          SELECT credit_move_id AS line_id, SUM(amount) AS amount
                            FROM account_partial_reconcile
                           WHERE max_date <= %(date_to)s AND company_id = ANY(%(tree)s)
                           GROUP BY credit_move_id
                      ) settled_credit ON settled_credit.line_id = line.id
                     WHERE line.account_id = ANY(%(accounts)s)
                       AND line.parent_state = 'posted'
                       AND line.company_id = ANY(%(tree)s)
                       AND line.date <= %(date_to)s
                ),
                customer AS (
                    SELECT partner_id, SUM(residual)::float8 AS balance, %(buckets)s
                      FROM item
                     GROUP BY partner_id
                )
                SELECT entry.profile_id, SUM(customer.balance), %(bucket_sums)s
                  FROM customer
                  LEFT JOIN collection_queue entry
                    ON entry.partner_id = customer.partner_id
                   AND entry.company_id = %(company)s
                   AND entry.date_start < %(end_of_day)s
                   AND (entry.date_end IS NULL OR entry.date_end >= %(end_of_day)s)
                 GROUP BY entry.profile_id
                """,
                date_to=date_to,
                tree=tree.ids,
                accounts=self.env["collection.receivable"]._receivable_account_ids(
                    tree
                ),
                buckets=buckets,
                bucket_sums=SQL(", ").join(
                    SQL("SUM(customer.%s)", SQL.identifier(key))
                    for key, _first, _last in kpis.BUCKETS
                ),
                company=company.id,
                end_of_day=end_of_day,
            )
        )
        rows = self.env.cr.fetchall()
        keys = [key for key, _first, _last in kpis.BUCKETS]
        profiles = self.env["collection.profile"].sudo().with_context(active_test=False)
        by_queue, total = [], dict.fromkeys(["balance", *keys], 0.0)
        for profile_id, balance, *amounts in rows:
            row = {
                "profile_id": profile_id or False,
                "queue": profiles.browse(profile_id).name
                if profile_id
                else self.env._("Not in collections"),
                "balance": balance or 0.0,
                **{
                    key: amount or 0.0
                    for key, amount in zip(keys, amounts, strict=True)
                },
            }
            by_queue.append(row)
            for key in total:
                total[key] += row[key]
        by_queue.sort(key=lambda row: (not row["profile_id"], row["queue"]))
        return {
            "by_queue": by_queue,
            "total": total,
            "begin": self._balance(tree, date_from - timedelta(days=1)),
        }

    @api.model
    def _balance(self, tree, date):
        """The receivables balance of the company tree at the end of ``date``."""
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(SUM(line.balance), 0)::float8
                  FROM account_move_line line
                 WHERE line.account_id = ANY(%s) AND line.parent_state = 'posted'
                   AND line.company_id = ANY(%s) AND line.date <= %s
                """,
                self.env["collection.receivable"]._receivable_account_ids(tree),
                tree.ids,
                date,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _sales(self, tree, date_from, date_to):
        """Credit sales: the receivable items of customer invoices net of credit
        notes (the sales journals), in the period and in each countback month."""
        months = kpis.countback_months(date_to)
        oldest = min(months[-1][0], date_from)
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(SUM(line.balance) FILTER (
                           WHERE line.date BETWEEN %(date_from)s AND %(date_to)s
                       ), 0)::float8,
                       %(monthly)s
                  FROM account_move_line line
                  JOIN account_journal journal ON journal.id = line.journal_id
                 WHERE line.account_id = ANY(%(accounts)s)
                   AND line.parent_state = 'posted'
                   AND line.company_id = ANY(%(tree)s)
                   AND journal.type = 'sale'
                   AND line.date BETWEEN %(oldest)s AND %(date_to)s
                """,
                date_from=date_from,
                date_to=date_to,
                oldest=oldest,
                accounts=self.env["collection.receivable"]._receivable_account_ids(
                    tree
                ),
                tree=tree.ids,
                monthly=SQL(", ").join(
                    SQL(
                        "COALESCE(SUM(line.balance) FILTER ("
                        "WHERE line.date BETWEEN %s AND %s), 0)::float8",
                        first,
                        last,
                    )
                    for first, last in months
                ),
            )
        )
        period, *monthly = self.env.cr.fetchone()
        return {"period": period, "monthly": monthly}

    @api.model
    def _promise_counts(self, tree, date_from, date_to):
        """{state: count} of the promises judged in the period."""
        return dict(
            self.env["collection.promise"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "in", tree.ids),
                    ("state", "in", ("kept", "partial", "broken")),
                    ("date_evaluated", ">=", date_from),
                    ("date_evaluated", "<=", date_to),
                ],
                ["state"],
                ["__count"],
            )
        )

    @api.model
    def _disputes(self, tree, date_from, date_to):
        """The disputed receivables at ``date_to`` (the disputes open that day)
        by reason and by owner, and the disputes closed in the period: how many,
        how many accepted, their average days to close."""
        Dispute = self.env["collection.dispute"].sudo().with_context(active_test=False)
        open_then = [
            ("company_id", "in", tree.ids),
            ("date", "<=", date_to),
            "|",
            ("date_closed", "=", False),
            ("date_closed", ">", date_to),
        ]

        def by(field_name):
            return [
                {
                    f"{field_name}": record.id,
                    "name": record.display_name,
                    "amount": amount,
                    "count": count,
                }
                for record, amount, count in Dispute._read_group(
                    open_then, [field_name], ["amount:sum", "__count"]
                )
            ]

        closed = dict(
            Dispute._read_group(
                [
                    ("company_id", "in", tree.ids),
                    ("date_closed", ">=", date_from),
                    ("date_closed", "<=", date_to),
                ],
                ["state"],
                ["__count"],
            )
        )
        days = Dispute._read_group(
            [
                ("company_id", "in", tree.ids),
                ("date_closed", ">=", date_from),
                ("date_closed", "<=", date_to),
            ],
            [],
            ["days_to_close:avg"],
        )[0][0]
        return {
            "by_reason": by("reason_id"),
            "by_owner": by("user_id"),
            "closed": sum(closed.values()),
            "accepted": closed.get("accepted", 0),
            # No average of nothing: False with its reason, not 0.
            "days_to_close": days if sum(closed.values()) else None,
        }

    @api.model
    def _collected(self, company, date_from, date_to):
        """Per queue and collector of ``company``: the payments dated in the
        period while the customer was in that queue (see
        ``collection.collected.report``), and the amount due at placement of the
        stays of the period."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH stay AS (
                    SELECT id, profile_id, collector_id, amount_due_placed
                      FROM collection_queue
                     WHERE company_id = %(company)s
                       AND date_start::date <= %(date_to)s
                       AND (date_end IS NULL OR date_end::date >= %(date_from)s)
                ),
                collected AS (
                    SELECT queue_id, SUM(amount) AS amount
                      FROM collection_collected_report
                     WHERE company_id = %(company)s
                       AND date BETWEEN %(date_from)s AND %(date_to)s
                     GROUP BY queue_id
                )
                SELECT stay.profile_id, stay.collector_id,
                       COALESCE(SUM(collected.amount), 0)::float8,
                       SUM(stay.amount_due_placed)::float8
                  FROM stay
                  LEFT JOIN collected ON collected.queue_id = stay.id
                 GROUP BY stay.profile_id, stay.collector_id
                """,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
            )
        )
        profiles = self.env["collection.profile"].sudo().with_context(active_test=False)
        users = self.env["res.users"].sudo().with_context(active_test=False)
        rows = [
            {
                "profile_id": profile_id,
                "queue": profiles.browse(profile_id).name,
                "collector_id": collector_id or False,
                "collector": users.browse(collector_id).name
                if collector_id
                else self.env._("No collector"),
                "collected": collected or 0.0,
                "due_at_placement": due or 0.0,
            }
            for profile_id, collector_id, collected, due in self.env.cr.fetchall()
        ]
        return sorted(rows, key=lambda row: (row["queue"], row["collector"]))
