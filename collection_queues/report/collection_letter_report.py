# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class CollectionLetterReport(models.AbstractModel):
    """The printed letters: each entry's template rendered in its customer's
    language, on the company's letterhead."""

    _name = "report.collection_queues.report_collection_letter"
    _description = "Collection Letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        entries = self.env["collection.queue"].browse(docids)
        chosen = (data or {}).get("template_ids") or {}
        Template = self.env["mail.template"]
        templates = entries._letter_templates()
        # The templates chosen when printing, where the caller said.
        templates.update(
            {
                entry: Template.browse(chosen[str(entry.id)])
                for entry in entries
                if str(entry.id) in chosen
            }
        )
        return {
            "doc_ids": docids,
            "doc_model": "collection.queue",
            "docs": entries,
            "letters_by_company": [
                (company, entries.filtered(lambda e, c=company: e.company_id == c))
                for company in entries.company_id
            ],
            "letter_bodies": entries._letter_bodies(templates),
        }
