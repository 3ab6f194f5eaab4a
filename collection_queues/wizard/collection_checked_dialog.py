# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class CollectionCheckedDialog(models.AbstractModel):
    """A dialog that shows what the records it is given hold (names, amounts):
    every value it receives, created, written or sent to an onchange, is
    checked by ``_check_values`` before anything is read from it."""

    _name = "collection.checked.dialog"
    _description = "Collection Dialog Checking Its Values"

    @api.model_create_multi
    def create(self, vals_list):
        self._check_values(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_values([vals])
        return super().write(vals)

    def onchange(self, values, field_names, fields_spec):
        self._check_values([values])
        return super().onchange(values, field_names, fields_spec)

    @api.model
    def _check_values(self, vals_list):
        """Refuse the values naming records the user may not see."""
        raise NotImplementedError
