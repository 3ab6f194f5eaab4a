# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools.pdf import merge_pdf

from .collection_queue_letter import LETTER_REPORT


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """The collection letters of several companies: one run of wkhtmltopdf
        per company (each its own paper format and letterhead, which one run
        cannot mix), merged into one PDF."""
        report = self._get_report(report_ref)
        if report != self.env.ref(LETTER_REPORT, raise_if_not_found=False):
            return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        entries = self.env[f"report.{report.report_name}"]._entries(res_ids, data)
        if len(entries.company_id) <= 1:
            return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        pdfs = []
        for company in entries.company_id.sorted("id"):
            group = entries.filtered(lambda entry, c=company: entry.company_id == c)
            content, kind = super()._render_qweb_pdf(
                report_ref, res_ids=group.ids, data=data
            )
            if kind != "pdf":
                # Odoo's tests render reports as HTML: no PDF to merge.
                return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
            pdfs.append(content)
        return merge_pdf(pdfs), "pdf"
