# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from ..models import collection_arguments as arguments
from ..models.collection_dispute import DISPUTABLE_TYPES, OPEN

ACCEPTED = "accepted"
REJECTED = "rejected"


def _context_records(env, models_allowed):
    """The records a dialog was opened on (its ``active_ids``), refused whole
    (AccessError) when the user may not read one of them."""
    context = env.context
    model = context.get("active_model")
    if model not in models_allowed:
        return None
    ids = context.get("active_ids") or (
        [context["active_id"]] if context.get("active_id") else []
    )
    if not isinstance(ids, list | tuple) or not all(
        isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids
    ):
        raise UserError(
            env._(
                "The records a dialog is opened on are given by their ids (whole "
                "numbers), got %(ids)r.",
                ids=ids,
            )
        )
    records = env[model].browse(ids)
    arguments.check_read_access(records)
    return records.exists()


class CollectionDisputeWizard(models.TransientModel):
    """Open a dispute on invoices of one customer, from the invoice, the
    customer's entry or the customer's form."""

    _name = "collection.dispute.wizard"
    _inherit = ["collection.checked.dialog"]
    _description = "Dispute Invoices"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company",
        readonly=True,
        help="The company of the entry the dialog was opened from: its invoices only.",
    )
    available_move_ids = fields.Many2many(
        "account.move", compute="_compute_available_move_ids"
    )
    move_ids = fields.Many2many(
        "account.move",
        "collection_dispute_wizard_move_rel",
        "wizard_id",
        "move_id",
        string="Invoices",
        domain="[('id', 'in', available_move_ids)]",
    )
    move_count = fields.Integer(compute="_compute_move_count")
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    reason_id = fields.Many2one(
        "collection.dispute.reason", string="Reason", required=True
    )
    amount = fields.Monetary(
        string="Disputed",
        compute="_compute_amount",
        store=True,
        readonly=False,
        help="The disputed part of the invoice's amount due: not requested until "
        "the dispute is closed.",
    )
    note = fields.Text()
    summary = fields.Char(compute="_compute_summary")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        moves = _context_records(self.env, ("account.move",))
        if moves is not None:
            customers = moves.commercial_partner_id
            values["move_ids"] = [fields.Command.set(moves.ids)]
        else:
            entries = _context_records(self.env, ("collection.queue",))
            if entries is not None:
                if len(entries) > 1:
                    raise UserError(
                        self.env._("Dispute the invoices of one customer at a time.")
                    )
                customers = entries.partner_id
                values["company_id"] = entries.company_id.id
            else:
                partners = _context_records(self.env, ("res.partner",))
                customers = (
                    partners.commercial_partner_id
                    if partners is not None
                    else self.env["res.partner"]
                )
        if len(customers) > 1:
            raise UserError(
                self.env._("Dispute the invoices of one customer at a time.")
            )
        self._check_customers(customers)
        if customers:
            values["partner_id"] = customers.id
        if customers and not values.get("move_ids"):
            # A single invoice to pick: picked.
            moves = self._disputable_moves(
                customers, self.env["res.company"].browse(values.get("company_id"))
            )
            if len(moves) == 1:
                values["move_ids"] = [fields.Command.set(moves.ids)]
        return values

    @api.model
    def _check_values(self, vals_list):
        """Values naming invoices or customers the user may not see are
        refused: the dialog would show their invoices and figures."""
        arguments.check_readable_values(self, vals_list)
        if self.env.su:
            return
        moves = self.env["account.move"].browse(
            [
                move_id
                for vals in vals_list
                for move_id in arguments.command_ids(vals.get("move_ids"))
            ]
        )
        arguments.check_read_access(moves)
        partners = self.env["res.partner"].browse(
            [
                partner_id
                for vals in vals_list
                for partner_id in arguments.command_ids(vals.get("partner_id"))
            ]
        )
        self._check_customers(
            partners.sudo().exists().commercial_partner_id
            | moves.sudo().exists().commercial_partner_id
        )

    @api.model
    def _check_customers(self, customers):
        """Refuse (AccessError) customers with an entry the user may not open:
        in the user's companies or their parent companies (a branch's invoices
        count in its parent's entry)."""
        if self.env.su or not customers:
            return
        entries = (
            self.env["collection.queue"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", customers.commercial_partner_id.ids),
                    ("company_id", "in", self.env.companies.sudo().parent_ids.ids),
                    ("state", "=", "open"),
                ]
            )
        )
        arguments.check_read_access(entries.sudo(False))

    @api.depends("partner_id", "company_id")
    def _compute_available_move_ids(self):
        for wizard in self:
            wizard.available_move_ids = self._disputable_moves(
                wizard.partner_id, wizard.company_id
            )

    @api.model
    def _disputable_moves(self, customer, company=None):
        """The customer's posted invoices with an amount due and no open
        dispute, in the user's companies (and ``company``'s, when given)."""
        if not customer:
            return self.env["account.move"]
        domain = [
            ("commercial_partner_id", "=", customer.id),
            ("move_type", "in", DISPUTABLE_TYPES),
            ("state", "=", "posted"),
            ("amount_residual", ">", 0),
            ("company_id", "in", self.env.companies.ids),
        ]
        if company:
            domain.append(("company_id", "child_of", company.id))
        moves = self.env["account.move"].search(domain)
        # Every open dispute counts, readable by the user or not.
        disputed = (
            self.env["collection.dispute"]
            .sudo()
            .search([("move_id", "in", moves.ids), ("state", "=", OPEN)])
            .move_id
        )
        return moves - disputed

    @api.depends("move_ids")
    def _compute_move_count(self):
        for wizard in self:
            wizard.move_count = len(wizard.move_ids)

    @api.depends("move_ids", "company_id")
    def _compute_currency_id(self):
        for wizard in self:
            wizard.currency_id = (
                wizard.move_ids[:1].company_currency_id
                or wizard.company_id.currency_id
                or self.env.company.currency_id
            )

    @api.depends("move_ids")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = (
                wizard.move_ids.amount_residual_signed
                if len(wizard.move_ids) == 1
                else 0.0
            )

    @api.depends("move_ids", "amount", "available_move_ids")
    def _compute_summary(self):
        for wizard in self:
            if not wizard.move_ids and not wizard.available_move_ids:
                # A branch's invoices show once the branch is selected too.
                wizard.summary = self.env._(
                    "No invoice of this customer is left to dispute in the "
                    "companies selected."
                )
            elif not wizard.move_ids:
                wizard.summary = self.env._("Pick the invoices the customer disputes.")
            elif len(wizard.move_ids) == 1:
                wizard.summary = self.env._(
                    "%(amount)s of %(invoice)s will not be requested until the "
                    "dispute is closed.",
                    amount=format_amount(self.env, wizard.amount, wizard.currency_id),
                    invoice=wizard.move_ids.name,
                )
            else:
                wizard.summary = self.env._(
                    "The amounts due of %(count)s invoices will not be requested "
                    "until their disputes are closed.",
                    count=len(wizard.move_ids),
                )

    def action_apply(self):
        self.ensure_one()
        if not self.move_ids:
            raise UserError(self.env._("Pick the invoices the customer disputes."))
        amount = self.amount if len(self.move_ids) == 1 else False
        self.move_ids.collection_dispute(
            self.reason_id.id, amount=amount or False, note=self.note or False
        )
        return _notify_and_close(
            self.env._(
                "In dispute: %(invoices)s.",
                invoices=", ".join(self.move_ids.mapped("name")),
            )
        )


class CollectionDisputeCloseWizard(models.TransientModel):
    """Close open disputes: accepted (a credit note follows) or rejected."""

    _name = "collection.dispute.close.wizard"
    _inherit = ["collection.checked.dialog"]
    _description = "Close Disputes"

    dispute_ids = fields.Many2many(
        "collection.dispute",
        "collection_dispute_close_wizard_rel",
        "wizard_id",
        "dispute_id",
        string="Disputes",
        required=True,
        readonly=True,
    )
    accepted = fields.Selection(
        [(ACCEPTED, "Accepted"), (REJECTED, "Rejected")],
        string="Outcome",
        required=True,
        help="Accepted: the customer is right, a credit note follows. Rejected: "
        "the amount is requested again.",
    )
    resolution = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        disputes = _context_records(self.env, ("collection.dispute",))
        if disputes is None:
            # From an invoice: its open dispute.
            moves = _context_records(self.env, ("account.move",))
            disputes = (
                self.env["collection.dispute"].search(
                    [("move_id", "in", moves.ids), ("state", "=", OPEN)]
                )
                if moves
                else self.env["collection.dispute"]
            )
        if disputes:
            values["dispute_ids"] = [fields.Command.set(disputes.ids)]
        return values

    @api.model
    def _check_values(self, vals_list):
        # The disputes first: refused as any record the user may not read.
        arguments.check_read_access(
            self.env["collection.dispute"].browse(
                [
                    dispute_id
                    for vals in vals_list
                    if isinstance(vals, dict)
                    for dispute_id in arguments.command_ids(vals.get("dispute_ids"))
                ]
            )
        )
        arguments.check_readable_values(self, vals_list)

    def action_apply(self):
        self.ensure_one()
        accepted = self.accepted == ACCEPTED
        self.dispute_ids.collection_close(accepted, self.resolution)
        if accepted and len(self.dispute_ids) == 1:
            # Odoo's credit note dialog, in place of this one.
            return self.dispute_ids.action_credit_note()
        return _notify_and_close(
            self.env._(
                "%(count)s dispute(s) accepted: credit their invoices with the "
                "Credit Note button.",
                count=len(self.dispute_ids),
            )
            if accepted
            else self.env._(
                "%(count)s dispute(s) rejected: the amounts are requested again.",
                count=len(self.dispute_ids),
            )
        )


def _notify_and_close(message):
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "message": message,
            "type": "success",
            "next": {"type": "ir.actions.act_window_close"},
        },
    }
