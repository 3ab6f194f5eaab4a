# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "collection.banner.mixin"]

    def _collection_customer(self):
        """The ticket's customer (its commercial entity), as seen from the
        ticket's company."""
        return self.partner_id.commercial_partner_id, self.company_id

    @api.model
    def _collection_customer_fields(self):
        return ["partner_id", "company_id"]
