# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL


class CollectionReceivable(models.AbstractModel):
    """The customers' receivables as SQL: the open items, the receivable
    accounts, the payments and the company trees they are counted in. One
    source for the refresh, the letters, the promises, the KPIs and the
    analysis views."""

    _name = "collection.receivable"
    _description = "Collection Receivables"

    @api.model
    def _company_tree(self, company):
        """The company and its branches, archived ones included (their open
        items are still owed), in id order."""
        return (
            self.env["res.company"]
            .sudo()
            .with_context(active_test=False)
            .search([("id", "child_of", company.id)], order="id")
        )

    @api.model
    def _in_tree_sql(self, branch, company):
        """The condition of ``branch`` (a ``res_company`` alias) being
        ``company`` (an alias) or one of its branches, for SQL views."""
        return SQL(
            "%s.parent_path LIKE %s.parent_path || %s",
            SQL.identifier(branch),
            SQL.identifier(company),
            "%",
        )

    @api.model
    def _open_item_ids_sql(self, date, companies, partners=None):
        """The open receivable items' ids (``line_id``), as ``_open_items_sql``
        counts them."""
        return self._open_items_sql(date, companies, partners, with_line_id=True)

    @api.model
    def _open_items_sql(
        self, date, companies, partners=None, with_line_id=False, with_claimable=True
    ):
        """The open receivable items, as Odoo's Aged Receivable counts them: posted
        journal items on (trade) receivable accounts, not reconciled, with a
        residual; credits (negative residuals) included. Columns: ``company_id``,
        ``partner_id`` (commercial partner), ``days`` past due as of ``date``,
        ``residual`` (company currency) and ``claimable``: the residual less the
        part of it in open dispute (an invoice's disputed share of its amount due,
        the same share of each of its instalments); without ``claimable`` when
        not ``with_claimable`` (a caller that knows nothing is in dispute)."""
        conditions = [
            SQL("line.account_id = ANY(%s)", self._receivable_account_ids(companies)),
            SQL("line.parent_state = 'posted'"),
            # Written like the ORM's domain, so that Odoo's partial index on
            # unreconciled items serves the query.
            SQL("line.reconciled IS NOT TRUE"),
            SQL("line.amount_residual != 0"),
            SQL("line.company_id = ANY(%s)", companies.ids),
        ]
        if partners is not None:
            # The customers' contacts by id: with the ids in the query, PostgreSQL
            # reads their items through the index on partner_id, not every item.
            self.env["res.partner"].flush_model(["commercial_partner_id"])
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s)",
                    partners.ids,
                )
            )
            contact_ids = [row[0] for row in self.env.cr.fetchall()]
            conditions.append(SQL("line.partner_id = ANY(%s)", contact_ids))
        # Without an open dispute in the companies, nothing to join: the
        # refresh of a book without disputes costs what it did before them.
        if not with_claimable:
            claimable, disputes = None, SQL()
        elif self._open_disputes_in(companies):
            claimable = SQL(
                """
                CASE WHEN dispute.share IS NULL OR line.amount_residual <= 0
                     THEN line.amount_residual::float8
                     ELSE line.amount_residual::float8 * (1 - dispute.share)
                END
                """
            )
            disputes = SQL(
                """
                LEFT JOIN (
                    SELECT dispute.move_id,
                           LEAST(dispute.amount
                                 / NULLIF(move.amount_residual_signed, 0), 1)::float8
                               AS share
                      FROM collection_dispute dispute
                      JOIN account_move move ON move.id = dispute.move_id
                     WHERE dispute.state = 'open'
                       AND move.amount_residual_signed > 0
                ) dispute ON dispute.move_id = line.move_id
                """
            )
        else:
            claimable, disputes = SQL("line.amount_residual::float8"), SQL()
        # Residuals are summed as floats, as the ORM reads monetary amounts.
        return SQL(
            """
            SELECT %(line_id)s line.company_id,
                   partner.commercial_partner_id AS partner_id,
                   %(date)s::date - COALESCE(line.date_maturity, line.date) AS days,
                   line.amount_residual::float8 AS residual
                   %(claimable)s
              FROM account_move_line line
              JOIN res_partner partner ON partner.id = line.partner_id
              %(disputes)s
             WHERE %(conditions)s
            """,
            date=date,
            claimable=SQL(", %s AS claimable", claimable) if claimable else SQL(),
            disputes=disputes,
            conditions=SQL(" AND ").join(conditions),
            line_id=SQL("line.id AS line_id,") if with_line_id else SQL(),
        )

    @api.model
    def _open_disputes_in(self, companies):
        """Whether an invoice of the companies is in open dispute."""
        self.env["collection.dispute"].flush_model(["state", "company_id"])
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM collection_dispute WHERE state = 'open' "
                "AND company_id = ANY(%s) LIMIT 1",
                companies.ids,
            )
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _receivable_account_ids(self, companies):
        """The trade receivable accounts of the companies, as Odoo's Aged
        Receivable counts them. By id rather than by a join in the queries:
        PostgreSQL then knows from its statistics how many items to expect."""
        return (
            self.env["account.account"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("account_type", "=", "asset_receivable"),
                    ("non_trade", "=", False),
                    ("company_ids", "in", companies.root_id.ids),
                ]
            )
            .ids
        )

    @api.model
    def _payments_sql(self):
        """The payments applied to the customers' receivable items: one row per
        partial reconciliation whose debit side is an item on a trade receivable
        account and whose credit side is not a credit note (a credit note is no
        payment). Columns: ``partial_id``, ``partner_id`` (commercial partner),
        ``company_id`` (the item's), ``date`` (the payment's journal item date),
        ``amount`` (company currency). Also the source of the reporting views,
        hence no parameter."""
        return SQL(
            """
            SELECT partial.id AS partial_id,
                   contact.commercial_partner_id AS partner_id,
                   item.company_id, payment.date, partial.amount::float8 AS amount
              FROM account_partial_reconcile partial
              JOIN account_move_line item ON item.id = partial.debit_move_id
              JOIN account_account account ON account.id = item.account_id
              JOIN res_partner contact ON contact.id = item.partner_id
              JOIN account_move_line payment ON payment.id = partial.credit_move_id
              JOIN account_move payment_move ON payment_move.id = payment.move_id
             WHERE account.account_type = 'asset_receivable'
               AND account.non_trade IS NOT TRUE
               AND payment_move.move_type NOT IN ('out_refund', 'in_refund')
            """
        )
