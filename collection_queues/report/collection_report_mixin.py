# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class CollectionReportMixin(models.AbstractModel):
    """What the analysis reports (SQL views) share."""

    _name = "collection.report.mixin"
    _description = "Collection Analysis Report"

    def export_data(self, fields_to_export):
        """The rows of a view have no external ids, which Odoo exports for "ID"
        (an import-compatible export): their database ids stand for them."""
        return super().export_data(
            [".id" if path == "id" else path for path in fields_to_export]
        )
