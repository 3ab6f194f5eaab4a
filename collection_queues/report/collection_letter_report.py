# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from ..models import collection_arguments as arguments
from ..models.collection_queue_letter import LETTER_BODIES_CACHE


class CollectionLetterReport(models.AbstractModel):
    """The printed letters: each entry's template rendered in its customer's
    language, on the company's letterhead."""

    _name = "report.collection_queues.report_collection_letter"
    _description = "Collection Letter"

    @api.model
    def _bodies(self, entries, templates):
        """The letters' bodies: those rendered already for the e-mails of the
        same letters, else rendered now."""
        rendered = self.env.cr.cache.get(LETTER_BODIES_CACHE) or {}
        if all(entry.id in rendered for entry in entries):
            return rendered
        return entries._letter_bodies(templates)

    @api.model
    def _entries(self, docids, data):
        """The letters' entries: ``docids``, else those in the data (the web
        client's download of a report with data has no record ids)."""
        return self.env["collection.queue"].browse(docids or []) or (
            arguments.records_arg(
                self.env,
                "collection.queue",
                (data or {}).get("entry_ids") or [],
                self.env._("queue entries"),
            )
        )

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        entries = self._entries(docids, data)
        docids = entries.ids
        if not self.env.su:
            entries.check_access("read")
        # The templates chosen when printing, where the caller said; the
        # queue's or the company's for the others.
        chosen = data.get("template_ids") or {}
        Template = self.env["mail.template"]
        templates = {
            entry: Template.browse(chosen[str(entry.id)])
            for entry in entries
            if str(entry.id) in chosen
        }
        templates.update(
            entries.filtered(lambda entry: entry not in templates)._letter_templates()
        )
        return {
            "doc_ids": docids,
            "doc_model": "collection.queue",
            "docs": entries,
            "letters_by_company": [
                (company, entries.filtered(lambda e, c=company: e.company_id == c))
                for company in entries.company_id
            ],
            "letter_bodies": self._bodies(entries, templates),
        }
