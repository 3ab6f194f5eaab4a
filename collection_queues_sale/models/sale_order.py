# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "collection.banner.mixin"]

    def _collection_customer(self):
        """The customer's banner, as seen from the order's company."""
        return self.partner_id.commercial_partner_id, self.company_id

    @api.model
    def _collection_customer_fields(self):
        return ["partner_id", "company_id"]
