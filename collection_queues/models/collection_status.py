# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CollectionStatus(models.Model):
    _name = "collection.status"
    _description = "Collection Status"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(
        translate=True,
        help="What the status means for the people who deal with the customer.",
    )
    color = fields.Integer()
    severity = fields.Selection(
        [
            ("danger", "Danger (red)"),
            ("warning", "Warning (orange)"),
            ("info", "Information (blue)"),
        ],
        required=True,
        default="danger",
        help="The colour of the banner on the forms of the customers with this "
        "status: how careful whoever deals with them must be.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
