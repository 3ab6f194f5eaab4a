from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_status_id = fields.Many2one(
        "collection.status",
        string="Collection Status",
        compute="_compute_collection",
        help="The customer's collection status in the company of this document.",
    )
    collection_profile_id = fields.Many2one(
        "collection.profile",
        string="Collection Queue",
        compute="_compute_collection",
        groups="collection_queues.group_collection_user",
    )
    collection_queue_name = fields.Char(
        string="In Queue", compute="_compute_collection"
    )
    days_past_due = fields.Integer(
        compute="_compute_days_past_due",
        help="Days past due of the oldest open instalment of the invoice.",
    )

    @api.depends("commercial_partner_id", "company_id", "move_type")
    def _compute_collection(self):
        self.collection_status_id = False
        self.collection_profile_id = False
        self.collection_queue_name = False
        customer_documents = self.filtered(
            lambda move: move.move_type in ("out_invoice", "out_refund")
            and move.commercial_partner_id
        )
        for company in customer_documents.company_id:
            moves = customer_documents.filtered(
                lambda move, c=company: move.company_id == c
            )
            entries = self.env["collection.queue"]._current_entries(
                moves.commercial_partner_id, company
            )
            for move in moves:
                entry = entries.get(move.commercial_partner_id.id)
                if entry:
                    move.collection_status_id = entry.status_id
                    move.collection_profile_id = entry.profile_id
                    move.collection_queue_name = entry.profile_id.name

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
