# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..models import collection_arguments as arguments


class CollectionRefreshWizardLine(models.TransientModel):
    """One change a refresh would make."""

    _name = "collection.refresh.wizard.line"
    _description = "Planned Collection Queue Change"
    _order = "id"

    wizard_id = fields.Many2one(
        "collection.refresh.wizard", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    action = fields.Selection(
        [("added", "Added"), ("moved", "Moved"), ("removed", "Removed")],
        readonly=True,
    )
    from_profile_id = fields.Many2one(
        "collection.profile", string="From Queue", readonly=True
    )
    profile_id = fields.Many2one("collection.profile", string="To Queue", readonly=True)
    reason = fields.Char(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        arguments.check_readable_values(self, vals_list)
        return super().create(vals_list)
