# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from . import collection_arguments as arguments
from .collection_dispute import DISPUTABLE_TYPES, OPEN


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "collection.banner.mixin"]

    days_past_due = fields.Integer(
        compute="_compute_days_past_due",
        help="Days past due of the oldest open instalment of the invoice.",
    )

    collection_dispute_ids = fields.One2many(
        "collection.dispute",
        "move_id",
        string="Disputes",
        groups="collection_queues.group_collection_user",
    )
    collection_dispute_label = fields.Char(
        string="Dispute",
        compute="_compute_collection_dispute_label",
        groups="base.group_user",
        help="The reason of the invoice's open dispute: its disputed amount is not "
        "chased until the dispute is closed.",
    )

    def _compute_collection_dispute_label(self):
        open_disputes = (
            self.env["collection.dispute"]
            .sudo()
            .search([("move_id", "in", self.ids), ("state", "=", OPEN)])
        )
        reason_of = {
            dispute.move_id: dispute.reason_id.name for dispute in open_disputes
        }
        for move in self:
            reason = reason_of.get(move)
            move.collection_dispute_label = (
                self.env._("Disputed: %(reason)s", reason=reason) if reason else False
            )

    @arguments.public_method
    def collection_dispute(self, reason, amount=False, note=False):
        """Open a dispute on each of these posted customer invoices: the
        disputed amount is not chased (placement, letters, steps) until the
        dispute is closed.

        :param reason: a ``collection.dispute.reason`` record or id
        :param amount: the disputed part of the invoice's amount due (one
            invoice only); by default all of it
        :param note: optional text
        :return: the ids of the new disputes
        """
        Dispute = self.env["collection.dispute"]
        Dispute._check_user()
        reason = arguments.record_arg(
            self.env, "collection.dispute.reason", reason, self.env._("dispute reason")
        )
        if not reason:
            raise UserError(self.env._("Choose the reason of the dispute."))
        note = arguments.text_arg(self.env, note, self.env._("The note"))
        if amount is not False and amount is not None:
            amount = arguments.amount_arg(self.env, amount, self.env._("The amount"))
            # As stored: to the cent (of the company's currency, checked below).
            amount = self.env.company.currency_id.round(amount)
            if amount <= 0:
                raise UserError(
                    self.env._("The amount disputed is a positive number of cents.")
                )
            if len(self) > 1:
                raise UserError(
                    self.env._("A disputed amount is for one invoice at a time.")
                )
        else:
            amount = False
        if not self:
            raise UserError(self.env._("Select at least one invoice."))
        arguments.check_read_access(self)
        moves = self.sudo()
        wrong = moves.filtered(
            lambda move: move.move_type not in DISPUTABLE_TYPES
            or move.state != "posted"
        )
        if wrong:
            raise UserError(
                self.env._(
                    "Only posted customer invoices are disputed, not %(moves)s.",
                    moves=", ".join(wrong.mapped("display_name")),
                )
            )
        foreign = moves.filtered(lambda move: move.company_id not in self.env.companies)
        if foreign:
            raise UserError(
                self.env._(
                    "%(moves)s belong to a company that is not among your current "
                    "companies.",
                    moves=", ".join(foreign.mapped("display_name")),
                )
            )
        settled = moves.filtered(
            lambda move: move.company_currency_id.compare_amounts(
                move.amount_residual_signed, 0
            )
            <= 0
        )
        if settled:
            raise UserError(
                self.env._(
                    "Nothing is left to pay on %(moves)s.",
                    moves=", ".join(settled.mapped("display_name")),
                )
            )
        if amount and (
            float_compare(
                amount,
                moves.amount_residual_signed,
                precision_rounding=moves.company_currency_id.rounding,
            )
            > 0
        ):
            raise UserError(
                self.env._(
                    "%(move)s has %(due)s left to pay: a dispute cannot be of more.",
                    move=moves.display_name,
                    due=moves.company_currency_id.format(moves.amount_residual_signed),
                )
            )
        disputed = Dispute.sudo().search(
            [("move_id", "in", moves.ids), ("state", "=", OPEN)]
        )
        if disputed:
            raise UserError(
                self.env._(
                    "Already in dispute: %(moves)s.",
                    moves=", ".join(disputed.move_id.mapped("display_name")),
                )
            )
        # The customers' entries, when in a queue: only those the user may open.
        Queue = self.env["collection.queue"]
        for company in moves.company_id:
            customers = moves.filtered(lambda m, c=company: m.company_id == c)
            entries = Queue._current_entries(customers.commercial_partner_id, company)
            arguments.check_read_access(
                Queue.browse([entry.id for entry in entries.values()]).sudo(self.env.su)
            )
        disputes = Dispute._open(moves, reason, amount, note)
        self.env["collection.refresh.request"]._enqueue(moves.commercial_partner_id)
        return disputes.ids

    def _collection_customer(self):
        """Customer invoices and credit notes show the customer's banner, as seen
        from their company."""
        if self.move_type in ("out_invoice", "out_refund"):
            return self.commercial_partner_id, self.company_id
        return self.env["res.partner"], self.company_id

    @api.model
    def _collection_customer_fields(self):
        return ["move_type", "commercial_partner_id", "company_id"]

    @api.depends("state", "line_ids.date_maturity", "line_ids.reconciled")
    def _compute_days_past_due(self):
        today = fields.Date.context_today(self)
        for move in self:
            open_items = move._collection_receivable_lines().filtered(
                lambda line: not line.reconciled and line.amount_residual > 0
            )
            move.days_past_due = max(
                [
                    (today - line.date_maturity).days
                    for line in open_items
                    if line.date_maturity and move.state == "posted"
                ]
                + [0]
            )

    def _collection_receivable_lines(self):
        return self.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        self.env["collection.refresh.request"]._enqueue(
            posted._collection_receivable_lines().partner_id
        )
        return posted

    def button_draft(self):
        customers = (
            self.filtered(lambda move: move.state == "posted")
            ._collection_receivable_lines()
            .partner_id
        )
        result = super().button_draft()
        self.env["collection.refresh.request"]._enqueue(customers)
        return result
