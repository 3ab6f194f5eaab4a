# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io

from lxml import html
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount, format_date, split_every
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from . import collection_arguments as arguments

LETTER_CHANNELS = ("print", "email")
LETTER_REPORT = "collection_queues.action_report_collection_letter"
# Letters rendered per run of wkhtmltopdf when e-mailed (one PDF, then split).
LETTER_PDF_BATCH = 200
# Where a print keeps its letters' items while rendering them (per cursor).
LETTER_ITEMS_CACHE = "collection_queues.letter_items"
LETTER_BODIES_CACHE = "collection_queues.letter_bodies"
# The documents a customer pays from their online page.
PAYABLE_ONLINE_TYPES = ("out_invoice", "out_receipt")


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
        # Odoo's address_get walks a customer's contacts one query at a time:
        # only for the customers that have an invoice contact at all, found for
        # every entry at once (a letter run, the steps of a whole book).
        partners = self.partner_id
        with_invoice_contact = set(
            self.env["res.partner"]
            .search(
                [
                    ("commercial_partner_id", "in", partners.ids),
                    ("id", "not in", partners.ids),
                    ("type", "=", "invoice"),
                ]
            )
            .commercial_partner_id.ids
        )
        for entry in self:
            address = (
                entry.partner_id.address_get(["invoice"])["invoice"]
                if entry.partner_id.id in with_invoice_contact
                else False
            )
            entry.letter_recipient_id = address or entry.partner_id

    # ------------------------------------------------------------------
    # What a letter shows
    # ------------------------------------------------------------------

    def _letter_items(self):
        """The customer's open receivable items in the company tree, as Odoo's
        Aged Receivable counts them (residuals after partial payments; unapplied
        credits as negative amounts), oldest first: a list of dicts with
        ``number``, ``date``, ``due_date``, ``days_late``, ``residual``
        (formatted for the reader), ``residual_value`` and ``pay_url``, the
        online page of an overdue invoice where the customer pays it (False
        for the other items). The part of an item in open dispute is not
        requested: it is left out here, and listed by
        ``_letter_disputed_items``. Fetched for every letter of a print at once
        (see ``_letter_bodies``)."""
        return [item for item in self._letter_all_items() if item["residual_value"]]

    def _letter_disputed_items(self):
        """The parts of the customer's items in open dispute, not requested: a
        list of dicts with ``number``, ``disputed`` (formatted), its value
        ``disputed_value`` and the dispute's ``reason``."""
        return [item for item in self._letter_all_items() if item["disputed_value"]]

    def _letter_all_items(self):
        self.ensure_one()
        fetched = self.env.cr.cache.get(LETTER_ITEMS_CACHE)
        if fetched is None or self.id not in fetched:
            fetched = self._fetch_letter_items()
        return fetched[self.id]

    def _fetch_letter_items(self):
        """{entry id: its letter's items}, one query per company."""
        today = fields.Date.context_today(self)
        items = {entry.id: [] for entry in self}
        Line = self.env["account.move.line"].sudo()
        # Items posted or paid in this transaction are in the letter too.
        Line.flush_model()
        self.env["account.move"].flush_model(["move_type", "access_token"])
        dates = {}  # items share their dates: each written once per language

        def written_date(date, lang_code):
            if (date, lang_code) not in dates:
                dates[date, lang_code] = format_date(
                    self.env, date, lang_code=lang_code
                )
            return dates[date, lang_code]

        for company in self.company_id:
            entries = self.filtered(lambda entry, c=company: entry.company_id == c)
            tree = self.env["collection.receivable"]._company_tree(company)
            self.env.cr.execute(
                SQL(
                    """
                    SELECT item.partner_id, line.id,
                           CASE WHEN move.move_type IN %(invoice_types)s
                                 AND item.claimable > 0
                                 AND COALESCE(line.date_maturity, line.date) < %(today)s
                                THEN move.id END,
                           item.claimable, item.residual - item.claimable,
                           COALESCE(reason.name ->> customer.lang,
                                    reason.name ->> 'en_US')
                      FROM (%(items)s) item
                      JOIN res_partner customer ON customer.id = item.partner_id
                      JOIN account_move_line line ON line.id = item.line_id
                      JOIN account_move move ON move.id = line.move_id
                      LEFT JOIN collection_dispute dispute
                        ON dispute.move_id = move.id AND dispute.state = 'open'
                      LEFT JOIN collection_dispute_reason reason
                        ON reason.id = dispute.reason_id
                     ORDER BY COALESCE(line.date_maturity, line.date), line.id
                    """,
                    invoice_types=PAYABLE_ONLINE_TYPES,
                    today=today,
                    items=self.env["collection.receivable"]._open_item_ids_sql(
                        today, tree, entries.partner_id
                    ),
                )
            )
            rows = self.env.cr.fetchall()
            pay_urls = self._pay_urls({row[2] for row in rows if row[2]})
            entry_of = {entry.partner_id.id: entry for entry in entries}
            lines = Line.browse([row[1] for row in rows])
            currency = company.currency_id
            for row, line in zip(rows, lines, strict=True):
                partner_id, _line_id, move_id, claimable, disputed, reason = row
                entry = entry_of[partner_id]
                lang_code = entry.partner_id.lang
                due_date = line.date_maturity or line.date
                claimable = currency.round(claimable)
                disputed = currency.round(disputed)
                items[entry.id].append(
                    {
                        "number": line.move_name,
                        "date": written_date(line.date, lang_code),
                        "due_date": written_date(due_date, lang_code),
                        "days_late": max((today - due_date).days, 0),
                        "residual_value": claimable,
                        "residual": format_amount(
                            self.env, claimable, currency, lang_code
                        ),
                        "pay_url": pay_urls.get(move_id, False),
                        "disputed_value": disputed,
                        "disputed": format_amount(
                            self.env, disputed, currency, lang_code
                        ),
                        "reason": reason or "",
                    }
                )
        return items

    @api.model
    def _pay_urls(self, move_ids):
        """{invoice id: the URL of its online page}, as ``get_portal_url`` gives
        it (with the access token that opens it to whoever has the letter), with
        the base URL. The invoices that have no token yet get one, all in one
        statement rather than one write per invoice."""
        if not move_ids:
            return {}
        moves = self.env["account.move"].sudo().browse(sorted(move_ids))
        moves.flush_recordset(["access_token"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE account_move SET access_token = gen_random_uuid()::text
                 WHERE id = ANY(%s) AND access_token IS NULL
                """,
                moves.ids,
            )
        )
        moves.invalidate_recordset(["access_token"])
        self.env.cr.execute(
            SQL(
                "SELECT id, access_token FROM account_move WHERE id = ANY(%s)",
                moves.ids,
            )
        )
        tokens = dict(self.env.cr.fetchall())
        # Each invoice's own base URL: a website's domain when it has one.
        return {
            move.id: f"{move.get_base_url()}/my/invoices/{move.id}"
            f"?access_token={tokens[move.id]}"
            for move in moves
        }

    def _letter_pay_all_url(self):
        """The page of Odoo's online payment where a customer with a portal
        account pays all its overdue invoices at once; False when payments
        online are not installed or the customer has no portal account."""
        self.ensure_one()
        if self.env["ir.module.module"]._get("account_payment").state != "installed":
            return False
        portal_users = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    (
                        "partner_id",
                        "in",
                        (self.partner_id | self.letter_recipient_id).ids,
                    ),
                    ("share", "=", True),
                ]
            )
        )
        if not portal_users.filtered(lambda user: user._is_portal()):
            return False
        return f"{self.get_base_url()}/my/invoices/overdue"

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

    @arguments.public_method
    def collection_send_letters(self, template=False, channel="print"):
        """Print or e-mail collection letters for these open entries.

        :param template: a ``mail.template`` of ``collection.queue`` (record or
            id); by default each entry's profile's, then its company's
        :param channel: ``print`` (the report action: one PDF with every letter)
            or ``email`` (one e-mail per customer with the letter attached, queued
            in Odoo's mail queue)
        :return: with ``print``, the report action; with ``email``,
            ``{'sent': [partner ids], 'no_email': [partner ids]}``; when the
            letters are made in the background instead (a job queue installed
            and many customers), ``{'queued': [partner ids]}``
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
        arguments.check_read_access(self)
        closed = self.filtered(lambda entry: entry.state != "open")
        if closed:
            raise UserError(
                self.env._(
                    "Letters go to customers in a queue; these are no longer in "
                    "one: %(customers)s.",
                    customers=", ".join(closed.partner_id.mapped("display_name")),
                )
            )
        return self._deliver_letters(self._letter_templates(template), channel)

    def _deliver_letters(self, templates, channel):
        """Print or e-mail the letters (``{entry: template}``) of these entries,
        checked; what ``collection_send_letters`` returns."""
        if channel == "print":
            self._log_letters(templates, channel)
            return self.env.ref(LETTER_REPORT).report_action(
                self, data=self._report_data(templates), config=False
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
    def _report_data(self, templates):
        """The report's data for these letters (JSON: string keys): the entries
        and each one's template. The entries travel in the data too, because the
        web client leaves the record ids out of the download it builds for a
        report action carrying data."""
        return {
            "entry_ids": [entry.id for entry in templates],
            "template_ids": {
                str(entry.id): template.id for entry, template in templates.items()
            },
        }

    @api.model
    def _letter_bodies(self, templates):
        """{entry id: the letter's body}, each in its customer's language.

        As ``mail.template._render_field`` renders them, but with each template
        compiled once per language rather than once per letter, and the items of
        every letter fetched at once: a thousand letters in seconds."""
        entries = self.browse([entry.id for entry in templates])
        cache = self.env.cr.cache
        cache[LETTER_ITEMS_CACHE] = entries._fetch_letter_items()
        try:
            groups = {}
            for entry, template in templates.items():
                lang = entry.partner_id.lang or self.env.lang or "en_US"
                groups.setdefault((template, lang), []).append(entry.id)
            bodies = {}
            for (template, lang), entry_ids in groups.items():
                bodies.update(
                    self.with_context(lang=lang)._render_letter_body(
                        template.with_context(lang=lang), entry_ids
                    )
                )
            return bodies
        finally:
            cache.pop(LETTER_ITEMS_CACHE, None)

    @api.model
    def _render_letter_body(self, template, entry_ids):
        """The template's body for these entries, rendered as the user sending
        the letters: the entries and whatever the template reads of them with
        that user's rights, as Odoo renders a template for its user."""
        source = template.body_html
        if not source:
            return dict.fromkeys(entry_ids, Markup())
        if not template._has_unsafe_expression_template_qweb(source, self._name):
            return template._render_template_qweb_regex(source, self._name, entry_ids)
        qweb = self.env["ir.qweb"]
        functions, name = qweb._compile(
            html.fragment_fromstring(source, create_parent="div")
        )
        context = template._render_eval_context()
        bodies = {}
        for entry in self.browse(entry_ids):
            values = dict(context, object=entry)
            rendering = qweb._prepare_environment(values)
            # Without the <div> the fragment was wrapped in.
            bodies[entry.id] = Markup("".join(functions[name](rendering, values))[5:-6])
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

    def _send_exit_notices(self):
        """E-mail their queue's exit notice to the customers of these entries,
        which ended because they paid; logged as letters."""
        templates = {
            entry: entry.profile_id.exit_template_id
            for entry in self
            if entry.profile_id.exit_template_id
        }
        if templates:
            self._email_letters(templates, attach=False)

    def _email_letters(self, templates, attach=True):
        """One e-mail per customer with an address, the letter attached (when
        ``attach``), queued in the mail queue (sent by its cron, not in this
        request)."""
        with_address = {
            entry: template
            for entry, template in templates.items()
            if entry.letter_recipient_id.email
        }
        no_email = [
            entry.partner_id.id for entry in templates if entry not in with_address
        ]
        report = self.env.ref(LETTER_REPORT)
        for batch in split_every(LETTER_PDF_BATCH, list(with_address)):
            batch_templates = {entry: with_address[entry] for entry in batch}
            bodies = self._letter_bodies(batch_templates)
            pdfs = None
            if attach:
                # The report prints the bodies just rendered for the e-mails.
                self.env.cr.cache[LETTER_BODIES_CACHE] = bodies
                try:
                    pdfs = self._letter_pdfs(report, batch_templates)
                finally:
                    self.env.cr.cache.pop(LETTER_BODIES_CACHE, None)
            self._queue_letter_mails(batch_templates, bodies, pdfs)
        self.browse([entry.id for entry in with_address])._log_letters(
            with_address, "email"
        )
        return {
            "sent": [entry.partner_id.id for entry in with_address],
            "no_email": no_email,
        }

    @api.model
    def _queue_letter_mails(self, templates, bodies, pdfs=None):
        """The e-mails of the letters, as ``mail.template.send_mail_batch``
        makes them (every field rendered by the template), with the bodies
        already rendered for the PDFs and the letter attached (``pdfs``:
        {entry id: PDF}; None: no attachment)."""
        attachment_of = {}
        if pdfs is not None:
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
                        for entry in templates
                    ]
                )
            )
            attachment_of = dict(
                zip([entry.id for entry in templates], attachments.ids, strict=True)
            )
        by_template = {}
        for entry, template in templates.items():
            by_template.setdefault(template, []).append(entry.id)
        values_list = []
        for template, entry_ids in by_template.items():
            rendered = template._generate_template(
                entry_ids,
                (
                    "auto_delete",
                    "email_cc",
                    "email_from",
                    "email_to",
                    "mail_server_id",
                    "model",
                    "partner_to",
                    "reply_to",
                    "res_id",
                    "scheduled_date",
                    "subject",
                ),
            )
            for entry_id in entry_ids:
                values = rendered[entry_id]
                values.pop("attachments", None)
                values["recipient_ids"] = [
                    (4, partner_id) for partner_id in values.pop("partner_ids", [])
                ]
                if entry_id in attachment_of:
                    values["attachment_ids"] = [(4, attachment_of[entry_id])]
                values["body_html"] = values["body"] = bodies[entry_id]
                if not values.get("email_from"):
                    values.pop("email_from", None)
                values_list.append(values)
        self.env["mail.mail"].sudo().create(values_list)

    @api.model
    def _letter_pdfs(self, report, templates):
        """{entry id: PDF of its letter}: one run of wkhtmltopdf per company,
        cut into one PDF per letter at each letter's heading; rendered one by
        one when that cannot be done (a template with headings of its own)."""
        data = self._report_data(templates)
        entries = self.browse([entry.id for entry in templates])
        pdfs = {}
        for company in entries.company_id:
            group = entries.filtered(lambda entry, c=company: entry.company_id == c)
            streams, kind = report._pre_render_qweb_pdf(
                report.report_name, group.ids, dict(data)
            )
            if kind != "pdf":
                # Odoo's tests render reports as HTML, one by one below.
                pieces = None
            elif all(streams.get(entry_id, {}).get("stream") for entry_id in group.ids):
                # One page per letter: Odoo cut it already.
                pieces = [
                    streams[entry_id]["stream"].getvalue() for entry_id in group.ids
                ]
            else:
                pieces = split_letters(streams[False]["stream"].getvalue(), len(group))
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
