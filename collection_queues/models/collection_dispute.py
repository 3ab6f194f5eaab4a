# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount

from . import collection_arguments as arguments

OPEN = "open"
ACCEPTED = "accepted"
REJECTED = "rejected"
# The documents a customer disputes.
DISPUTABLE_TYPES = ("out_invoice", "out_receipt")


class CollectionDispute(models.Model):
    """A customer disputing (part of) an invoice: while open, the disputed
    amount is not chased (placement, letters, automatic steps)."""

    _name = "collection.dispute"
    _description = "Invoice Dispute"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "move_id"

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    reason_id = fields.Many2one(
        "collection.dispute.reason", string="Reason", required=True, readonly=True
    )
    amount = fields.Monetary(
        string="Disputed",
        required=True,
        readonly=True,
        help="The disputed part of the invoice's amount due, not chased while the "
        "dispute is open.",
    )
    user_id = fields.Many2one(
        "res.users", string="Owner", readonly=True, tracking=True, index=True
    )
    state = fields.Selection(
        [(OPEN, "Open"), (ACCEPTED, "Accepted"), (REJECTED, "Rejected")],
        required=True,
        default=OPEN,
        readonly=True,
        index=True,
        tracking=True,
    )
    date = fields.Date(string="Opened On", required=True, readonly=True)
    date_closed = fields.Date(string="Closed On", readonly=True)
    days_to_close = fields.Integer(
        string="Days to Close",
        readonly=True,
        aggregator="avg",
        help="Days from its opening to its closing, once closed.",
    )
    resolution = fields.Text(readonly=True)
    note = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "one_open_dispute_per_invoice",
            "EXCLUDE (move_id WITH =) WHERE (state = 'open')",
            "This invoice is already in dispute.",
        ),
        ("amount_positive", "CHECK (amount > 0)", "A dispute is of a positive amount."),
    ]

    @api.model
    def _open_counts(self, partners, company):
        """{customer id: number of its invoices in open dispute} in the company
        and its branches, as the superuser (the banner shows it to everyone)."""
        if not partners:
            return {}
        groups = self.sudo()._read_group(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "child_of", company.id),
                ("state", "=", OPEN),
            ],
            ["partner_id"],
            ["__count"],
        )
        return {partner.id: count for partner, count in groups}

    @api.model
    def _count_text(self, count):
        """ "1 invoice in dispute", "3 invoices in dispute"; False for none."""
        if not count:
            return False
        if count == 1:
            return self.env._("1 invoice in dispute")
        return self.env._("%(count)s invoices in dispute", count=count)

    @api.depends("move_id", "reason_id")
    def _compute_display_name(self):
        for dispute in self:
            dispute.display_name = self.env._(
                "%(invoice)s: %(reason)s",
                invoice=dispute.move_id.name or "",
                reason=dispute.reason_id.name or "",
            )

    def write(self, vals):
        # The actions alone change a dispute: its history follows from them.
        if not self.env.su:
            raise AccessError(
                self.env._("Disputes change through their Dispute and Close actions.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Disputes are part of the collection history."))

    # ------------------------------------------------------------------
    # Opening (account.move.collection_dispute) and closing
    # ------------------------------------------------------------------

    @api.model
    def _check_user(self):
        if not self.env.su and not self.env.user.has_group(
            "collection_queues.group_collection_user"
        ):
            raise AccessError(
                self.env._("Only collections users open and close disputes.")
            )

    @api.model
    def _open(self, moves, reason, amount, note):
        """One open dispute per invoice (of ``amount``, else all of its amount
        due), logged on the customer's entry and in the invoice's chatter."""
        today = fields.Date.context_today(self)
        disputes = self.sudo().create(
            [
                {
                    "move_id": move.id,
                    "partner_id": move.commercial_partner_id.id,
                    "company_id": move.company_id.id,
                    "reason_id": reason.id,
                    "amount": amount or move.amount_residual_signed,
                    "user_id": self.env.user.id,
                    "date": today,
                    "note": note,
                }
                for move in moves
            ]
        )
        for dispute in disputes:
            dispute._log(
                "dispute",
                self.env._(
                    "%(invoice)s in dispute (%(reason)s): %(amount)s not requested "
                    "until the dispute is closed.",
                    invoice=dispute.move_id.name,
                    reason=dispute.reason_id.name,
                    amount=dispute._amount_text(),
                ),
                note,
            )
        return disputes

    @arguments.public_method
    def collection_close(self, accepted, resolution):
        """Close open disputes: ``accepted`` (the customer is right: a credit
        note follows) or rejected (the amount is chased again).

        :param accepted: True or False
        :param resolution: what was decided, in a sentence (required)
        :return: True
        """
        self._check_user()
        if accepted is None:
            raise UserError(
                self.env._("Say whether the dispute is accepted (True) or not (False).")
            )
        accepted = arguments.flag_arg(self.env, accepted, self.env._("Accepted"))
        resolution = arguments.text_arg(self.env, resolution, self.env._("Resolution"))
        if not resolution or not resolution.strip():
            raise UserError(self.env._("Say how the dispute was resolved."))
        if not self:
            raise UserError(self.env._("Select at least one dispute."))
        arguments.check_read_access(self)
        self.move_id.check_access("read")
        closed = self.filtered(lambda dispute: dispute.state != OPEN)
        if closed:
            raise UserError(
                self.env._(
                    "These disputes are closed already: %(disputes)s.",
                    disputes=", ".join(closed.mapped("display_name")),
                )
            )
        today = fields.Date.context_today(self)
        for dispute in self:
            dispute.sudo().write(
                {
                    "state": ACCEPTED if accepted else REJECTED,
                    "date_closed": today,
                    "days_to_close": (today - dispute.date).days,
                    "resolution": resolution,
                }
            )
            text = (
                self.env._(
                    "Dispute on %(invoice)s accepted: %(amount)s to credit.",
                    invoice=dispute.move_id.name,
                    amount=dispute._amount_text(),
                )
                if accepted
                else self.env._(
                    "Dispute on %(invoice)s rejected: %(amount)s requested again.",
                    invoice=dispute.move_id.name,
                    amount=dispute._amount_text(),
                )
            )
            dispute._log("dispute_closed", text, resolution)
        self.env["collection.refresh.request"]._enqueue(self.partner_id)
        return True

    def action_credit_note(self):
        """Odoo's credit note dialog for the invoice of an accepted dispute."""
        self.ensure_one()
        return self.move_id.action_reverse() | {
            "context": {
                "active_model": "account.move",
                "active_ids": self.move_id.ids,
                "active_id": self.move_id.id,
            }
        }

    def _amount_text(self):
        self.ensure_one()
        return format_amount(self.env, self.amount, self.currency_id)

    def _log(self, code, text, note=False):
        """A history line on the customer's entry (when in a queue) and a note
        in the invoice's chatter."""
        body = Markup("<p>%s</p>") % text
        if note:
            body += Markup("<p>%s</p>") % note
        self.move_id.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
        self.env["collection.banner.mixin"]._collection_invalidate_banners()
        self.env["collection.queue"].invalidate_model(["dispute_count"])
        Queue = self.env["collection.queue"]
        entry = Queue._current_entries(self.partner_id, self.company_id).get(
            self.partner_id.id
        )
        if entry:
            self.env["collection.activity"]._record(
                [
                    {
                        "code": code,
                        "row": Queue._row_of(entry),
                        "queue_id": entry.id,
                        "note": body,
                    }
                ],
                user=self.env.user,
            )
