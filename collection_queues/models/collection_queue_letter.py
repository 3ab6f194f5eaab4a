# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount, format_date, split_every
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from . import collection_arguments as arguments

LETTER_CHANNELS = ("print", "email")
LETTER_REPORT = "collection_queues.action_report_collection_letter"
# Letters rendered per run of wkhtmltopdf when e-mailed (one PDF, then split).
LETTER_PDF_BATCH = 200


class CollectionQueue(models.Model):
    """Collection letters: printed in one PDF, or e-mailed through the mail queue."""

    _inherit = "collection.queue"

    letter_recipient_id = fields.Many2one(
        "res.partner",
        compute="_compute_letter_recipient_id",
        help="Who the letter is addressed to: the customer's invoice address.",
    )

    @api.depends("partner_id")
    def _compute_letter_recipient_id(self):
        for entry in self:
            address = entry.partner_id.address_get(["invoice"])["invoice"]
            entry.letter_recipient_id = address or entry.partner_id

    # ------------------------------------------------------------------
    # What a letter shows
    # ------------------------------------------------------------------

    def _letter_items(self):
        """The customer's open receivable items in the company tree, as Odoo's
        Aged Receivable counts them (residuals after partial payments; unapplied
        credits as negative amounts), oldest first: a list of dicts with
        ``number``, ``date``, ``due_date``, ``days_late``, ``amount``,
        ``residual`` and their formatted texts."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        company = self.company_id
        tree = (
            self.env["res.company"]
            .sudo()
            .with_context(active_test=False)
            .search([("id", "child_of", company.id)])
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT line.id FROM (%s) item
                  JOIN account_move_line line ON line.id = item.line_id
                 ORDER BY COALESCE(line.date_maturity, line.date), line.id
                """,
                self.env["collection.sequencer"]._open_item_ids_sql(
                    today, tree, self.partner_id
                ),
            )
        )
        lines = (
            self.env["account.move.line"]
            .sudo()
            .browse([row[0] for row in self.env.cr.fetchall()])
        )
        currency = company.currency_id
        lang_code = self.partner_id.lang
        items = []
        for line in lines:
            due_date = line.date_maturity or line.date
            amount = line.balance
            items.append(
                {
                    "number": line.move_name,
                    "reference": line.move_id.ref or "",
                    "date": format_date(self.env, line.date, lang_code=lang_code),
                    "due_date": format_date(self.env, due_date, lang_code=lang_code),
                    "days_late": max((today - due_date).days, 0),
                    "amount": format_amount(self.env, amount, currency, lang_code),
                    "residual_value": line.amount_residual,
                    "residual": format_amount(
                        self.env, line.amount_residual, currency, lang_code
                    ),
                }
            )
        return items

    def _letter_date(self):
        """Today, written for the letter's reader."""
        self.ensure_one()
        return format_date(
            self.env, fields.Date.context_today(self), lang_code=self.partner_id.lang
        )

    def _letter_amount(self, field_name):
        """An amount of the entry, formatted for the letter's reader."""
        self.ensure_one()
        return format_amount(
            self.env, self[field_name], self.currency_id, self.partner_id.lang
        )

    # ------------------------------------------------------------------
    # Printing and sending
    # ------------------------------------------------------------------

    def collection_send_letters(self, template=False, channel="print"):
        """Print or e-mail collection letters for these open entries.

        :param template: a ``mail.template`` of ``collection.queue`` (record or
            id); by default each entry's profile's, then its company's
        :param channel: ``print`` (the report action: one PDF with every letter)
            or ``email`` (one e-mail per customer with the letter attached, queued
            in Odoo's mail queue)
        :return: with ``print``, the report action; with ``email``,
            ``{'sent': [partner ids], 'no_email': [partner ids]}``
        """
        self._check_letter_user()
        if channel not in LETTER_CHANNELS:
            raise UserError(
                self.env._(
                    "Letters are printed or e-mailed: the channel is 'print' or "
                    "'email', not %(channel)r.",
                    channel=channel,
                )
            )
        template = arguments.record_arg(
            self.env, "mail.template", template, self.env._("letter template")
        )
        if template and template.model != self._name:
            raise UserError(
                self.env._(
                    "%(template)s is not a collection letter template.",
                    template=template.name,
                )
            )
        if not self:
            raise UserError(self.env._("Select at least one queue entry."))
        self.check_access("read")
        closed = self.filtered(lambda entry: entry.state != "open")
        if closed:
            raise UserError(
                self.env._(
                    "Letters go to customers in a queue; these are no longer in "
                    "one: %(customers)s.",
                    customers=", ".join(closed.partner_id.mapped("display_name")),
                )
            )
        templates = self._letter_templates(template)
        if channel == "print":
            self._log_letters(templates, channel)
            return self.env.ref(LETTER_REPORT).report_action(
                self,
                data={"template_ids": self._template_data(templates)},
                config=False,
            )
        return self._email_letters(templates)

    def _check_letter_user(self):
        if not self.env.su and not self.env.user.has_group(
            "collection_queues.group_collection_user"
        ):
            raise AccessError(
                self.env._("Only collections users print and send collection letters.")
            )

    def _letter_templates(self, template=False):
        """{entry: template}: the one given, else the profile's, else the
        company's; refused clearly when an entry has none."""
        templates = {
            entry: template
            or entry.profile_id.letter_template_id
            or entry.company_id.collection_letter_template_id
            for entry in self
        }
        missing = [entry for entry, found in templates.items() if not found]
        if missing:
            raise UserError(
                self.env._(
                    "No letter template for %(queues)s: choose one, or set a default "
                    "on the queue or in the Settings.",
                    queues=", ".join(sorted({e.profile_id.name for e in missing})),
                )
            )
        return templates

    @api.model
    def _template_data(self, templates):
        """The templates of a print, as the report's data (JSON: string keys)."""
        return {str(entry.id): template.id for entry, template in templates.items()}

    @api.model
    def _letter_bodies(self, templates):
        """{entry id: the letter's body}, each in its customer's language."""
        bodies = {}
        by_template = {}
        for entry, template in templates.items():
            by_template.setdefault(template, []).append(entry.id)
        for template, entry_ids in by_template.items():
            bodies.update(
                template.sudo()._render_field("body_html", entry_ids, compute_lang=True)
            )
        return bodies

    def _log_letters(self, templates, channel):
        channel_label = dict(self._letter_channel_selection())[channel]
        self.env["collection.activity"]._record(
            [
                {
                    "code": "letter",
                    "row": self._row_of(entry),
                    "queue_id": entry.id,
                    "note": self.env._(
                        "%(template)s (%(channel)s)",
                        template=template.name,
                        channel=channel_label,
                    ),
                }
                for entry, template in templates.items()
            ],
            user=self.env.user,
        )

    @api.model
    def _letter_channel_selection(self):
        return [("print", self.env._("printed")), ("email", self.env._("e-mailed"))]

    def _email_letters(self, templates):
        """One e-mail per customer with an address, the letter attached, queued
        in the mail queue (sent by its cron, not in this request)."""
        with_address = {
            entry: template
            for entry, template in templates.items()
            if entry.letter_recipient_id.email
        }
        no_email = [
            entry.partner_id.id for entry in templates if entry not in with_address
        ]
        report = self.env.ref(LETTER_REPORT).sudo()
        for batch in split_every(LETTER_PDF_BATCH, list(with_address)):
            batch_templates = {entry: with_address[entry] for entry in batch}
            pdfs = self._letter_pdfs(report, batch_templates)
            attachments = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    [
                        {
                            "name": self.env._(
                                "Letter - %(customer)s.pdf",
                                customer=entry.partner_id.name,
                            ),
                            "type": "binary",
                            "raw": pdfs[entry.id],
                            "mimetype": "application/pdf",
                            "res_model": self._name,
                            "res_id": entry.id,
                        }
                        for entry in batch
                    ]
                )
            )
            attachment_of = dict(
                zip([entry.id for entry in batch], attachments, strict=True)
            )
            by_template = {}
            for entry in batch:
                by_template.setdefault(with_address[entry], []).append(entry.id)
            for template, entry_ids in by_template.items():
                mails = template.sudo().send_mail_batch(entry_ids, force_send=False)
                for mail in mails:
                    mail.attachment_ids = [(4, attachment_of[mail.res_id].id)]
        self.browse([entry.id for entry in with_address])._log_letters(
            with_address, "email"
        )
        return {
            "sent": [entry.partner_id.id for entry in with_address],
            "no_email": no_email,
        }

    @api.model
    def _letter_pdfs(self, report, templates):
        """{entry id: PDF of its letter}: one run of wkhtmltopdf per company,
        cut into one PDF per letter at each letter's heading; rendered one by
        one when that cannot be done (a template with headings of its own)."""
        data = {"template_ids": self._template_data(templates)}
        entries = self.browse([entry.id for entry in templates])
        pdfs = {}
        for company in entries.company_id:
            group = entries.filtered(lambda entry, c=company: entry.company_id == c)
            content, kind = report._render_qweb_pdf(
                report.report_name, group.ids, data=data
            )
            pieces = split_letters(content, len(group)) if kind == "pdf" else None
            if pieces is None:
                pieces = [
                    report._render_qweb_pdf(report.report_name, [entry_id], data=data)[
                        0
                    ]
                    for entry_id in group.ids
                ]
            pdfs.update(zip(group.ids, pieces, strict=True))
        return pdfs


def split_letters(pdf, count):
    """The ``count`` letters of a PDF as one PDF each, cut where each letter's
    heading (the PDF's top-level outlines) starts; None when they do not match."""
    reader = PdfFileReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    if pages == count:
        starts = list(range(count))
    else:
        root = reader.trailer["/Root"]
        if "/Outlines" not in root or "/First" not in root["/Outlines"]:
            return None
        starts, node = [], root["/Outlines"]["/First"]
        while True:
            starts.append(root["/Dests"][node["/Dest"]][0])
            if "/Next" not in node:
                break
            node = node["/Next"]
        starts = sorted(set(starts))
        if len(starts) != count or starts[0] != 0:
            return None
    pieces = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else pages
        writer = PdfFileWriter()
        for page in range(start, end):
            writer.add_page(reader.pages[page])
        stream = io.BytesIO()
        writer.write(stream)
        pieces.append(stream.getvalue())
    return pieces
