# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class RepairOrder(models.Model):
    _name = "repair.order"
    _inherit = ["repair.order", "collection.banner.mixin"]

    def _collection_customer(self):
        """The repair's customer (its commercial entity), as seen from the
        repair's company."""
        return self.partner_id.commercial_partner_id, self.company_id

    @api.model
    def _collection_customer_fields(self):
        return ["partner_id", "company_id"]
