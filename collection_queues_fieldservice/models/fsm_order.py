# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class FsmOrder(models.Model):
    _name = "fsm.order"
    _inherit = ["fsm.order", "collection.banner.mixin"]

    def _collection_customer(self):
        """The customer is the owner of the order's location (its commercial
        entity), as seen from the order's company."""
        return self.location_id.owner_id.commercial_partner_id, self.company_id

    @api.model
    def _collection_customer_fields(self):
        # The whole path: a site changing owners changes its orders' banner.
        return ["location_id.owner_id.commercial_partner_id", "company_id"]
