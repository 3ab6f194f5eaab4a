# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError


class CollectionReportMixin(models.AbstractModel):
    """What the analysis reports (SQL views) share."""

    _name = "collection.report.mixin"
    _description = "Collection Analysis Report"

    def export_data(self, fields_to_export):
        """The rows of a view have no external ids, which Odoo exports for "ID"
        (an import-compatible export): their database ids stand for them."""
        if not isinstance(fields_to_export, list | tuple) or not all(
            isinstance(path, str) for path in fields_to_export
        ):
            raise UserError(
                self.env._(
                    "Export the fields given by their names (a list of texts), not "
                    "%(value)r.",
                    value=fields_to_export,
                )
            )
        return super().export_data(
            [".id" if path == "id" else path for path in fields_to_export]
        )
