# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def _collection_customers(self):
        return (
            (self.debit_move_id | self.credit_move_id)
            .filtered(lambda line: line.account_id.account_type == "asset_receivable")
            .partner_id
        )

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        self.env["collection.refresh.request"]._enqueue(
            partials._collection_customers()
        )
        return partials

    def unlink(self):
        customers = self._collection_customers()
        result = super().unlink()
        self.env["collection.refresh.request"]._enqueue(customers)
        return result
