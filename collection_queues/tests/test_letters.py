# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from urllib.parse import urlsplit

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools.pdf import PdfFileReader

from .common import CollectionCase, days_ago
from .tour_common import CollectionTourCase


def pdf_text(reader):
    """The words of a PDF, single-spaced."""
    return " ".join("".join(page.extract_text() for page in reader.pages).split())


@tagged("post_install", "-at_install")
class TestLetters(CollectionCase):
    """Collection letters: printed in one PDF, e-mailed through the mail queue,
    logged in the history, in the customer's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.reminder = cls.env.ref(
            "collection_queues.mail_template_collection_friendly_reminder"
        )
        cls.final = cls.env.ref(
            "collection_queues.mail_template_collection_final_notice"
        )
        cls.company.collection_letter_template_id = cls.reminder
        cls.company.write({"street": "1 Ledger Lane", "city": "Springfield"})
        cls.acme = cls.make_customer("Acme Plumbing", email="ap@acme.example.com")
        cls.bolt = cls.make_customer("Bolt Electric")  # no e-mail address
        # Acme: 1,000.00 invoiced, 400.00 paid, a 150.00 credit note unapplied.
        cls.acme_invoice = cls.make_invoice(cls.acme, 1000, due=days_ago(40))
        cls.pay(cls.acme_invoice, amount=400)
        cls.make_invoice(cls.acme, 150, move_type="out_refund", due=days_ago(5))
        cls.make_invoice(cls.bolt, 700, due=days_ago(100))
        cls.Profile.refresh_queues(partners=(cls.acme | cls.bolt).ids)
        cls.acme_entry = cls.entry(cls, cls.acme)
        cls.bolt_entry = cls.entry(cls, cls.bolt)
        cls.entries = cls.acme_entry | cls.bolt_entry
        cls.collector = cls.make_user(
            "letter_collector",
            "base.group_user,collection_queues.group_collection_user",
        )

    def letters_html(self, entries, template=False):
        action = entries.collection_send_letters(template, channel="print")
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            action["report_name"], entries.ids, data=action["data"]
        )
        return html.decode()

    def test_shipped_templates(self):
        templates = self.env["mail.template"].search(
            [("model", "=", "collection.queue")]
        )
        self.assertGreaterEqual(len(templates), 3)
        for xmlid in ("friendly_reminder", "second_notice", "final_notice"):
            template = self.env.ref(
                f"collection_queues.mail_template_collection_{xmlid}"
            )
            self.assertIn(template, templates)

    def test_printed_letters_show_amounts_after_payments_and_credits(self):
        self.assertEqual(self.acme_entry.profile_id, self.p_31_60)
        html = self.letters_html(self.entries)
        self.assertIn("Acme Plumbing", html)
        self.assertIn("Bolt Electric", html)
        self.assertEqual(html.count("o_collection_letter"), 2, "one letter each")
        # The invoice's residual after the partial payment, and the credit note.
        self.assertIn("$\xa0600.00", html)
        self.assertIn("-\ufeff150.00", html)  # Odoo writes the sign so
        self.assertIn("unapplied credits of $\xa0150.00", html)
        self.assertIn(self.acme_invoice.name, html)
        # Totals: 450.00 owed in all, 150.00 of credits.
        self.assertIn("$\xa0450.00", html)
        self.assertIn("1 Ledger Lane", html, "the sender's address is in the letter")
        self.assertIn("Friendly reminder", self.reminder.subject)

    def test_items_match_the_aged_receivable(self):
        items = self.acme_entry._letter_items()
        residuals = sorted(item["residual_value"] for item in items)
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.acme.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("parent_state", "=", "posted"),
                ("amount_residual", "!=", 0),
            ]
        )
        self.assertEqual(residuals, sorted(lines.mapped("amount_residual")))
        self.assertEqual(residuals, [-150.0, 600.0])
        self.assertAlmostEqual(sum(residuals), self.acme_entry.amount_due)

    def test_each_letter_is_logged(self):
        self.entries.collection_send_letters(self.final.id, channel="print")
        for customer in (self.acme, self.bolt):
            (line,) = self.history(customer, "letter")
            self.assertIn(self.final.name, line.note)
            self.assertIn("printed", line.note)
            self.assertEqual(line.user_id, self.env.user)

    def test_default_template_per_queue_then_company(self):
        self.p_91.letter_template_id = self.final
        templates = self.entries._letter_templates()
        self.assertEqual(templates[self.bolt_entry], self.final)
        self.assertEqual(templates[self.acme_entry], self.reminder)
        self.company.collection_letter_template_id = False
        with self.assertRaisesRegex(UserError, "No letter template for 31-60"):
            self.entries.collection_send_letters()

    def test_letters_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search(
            [("name", "=", "collection_queues")]
        )._update_translations(["fr_FR"], overwrite=True)
        self.acme.lang = "fr_FR"
        html = self.letters_html(self.entries)
        acme_part, bolt_part = (
            html[html.index("Acme Plumbing") :],
            html[html.index("Bolt Electric") :],
        )
        self.assertIn("Sauf erreur de notre part", html)
        self.assertIn("According to our records", html)
        self.assertIn("Solde total de votre compte", acme_part)
        self.assertNotIn("Sauf erreur", bolt_part.split("Acme Plumbing")[0])

    def test_emails_queued_with_the_letter_attached(self):
        mails_before = self.env["mail.mail"].search([])
        # Real PDFs, not the HTML Odoo's test mode renders instead.
        result = self.entries.with_context(
            force_report_rendering=True
        ).collection_send_letters(channel="email")
        self.assertEqual(result, {"sent": [self.acme.id], "no_email": [self.bolt.id]})
        mail = self.env["mail.mail"].search([]) - mails_before
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "queued, not sent in the request")
        self.assertEqual(mail.recipient_ids, self.acme)
        self.assertIn("Friendly reminder", mail.subject)
        self.assertIn("Dear Acme Plumbing", mail.body_html)
        self.assertIn("$\xa0600.00", mail.body_html)
        (attachment,) = mail.attachment_ids
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        (line,) = self.history(self.acme, "letter")
        self.assertIn("e-mailed", line.note)
        self.assertFalse(self.history(self.bolt, "letter"), "no letter, no line")

    def test_overdue_invoices_link_to_their_online_page(self):
        """Each overdue invoice links to its portal page with the token that
        opens it; credits and items not yet due do not. The link is text in the
        printed letter too."""
        not_due = self.make_invoice(
            self.acme, 80, due=days_ago(-10), invoice_date=days_ago(5)
        )
        links = {
            item["number"]: item["pay_url"] for item in self.acme_entry._letter_items()
        }
        self.assertEqual(
            [number for number, url in links.items() if url],
            [self.acme_invoice.name],
            "the overdue invoice only: not the credit note, not the invoice not due",
        )
        self.assertFalse(links[not_due.name])
        token = self.acme_invoice.access_token
        self.assertTrue(token, "the invoice got its access token")
        url = links[self.acme_invoice.name]
        self.assertEqual(
            url,
            f"{self.acme_invoice.get_base_url()}{self.acme_invoice.get_portal_url()}",
            "the URL Odoo itself gives the invoice's online page",
        )
        html = self.letters_html(self.acme_entry)
        self.assertIn(f">{url.replace('&', '&amp;')}</a>", html, "the URL as text")
        self.entries.collection_send_letters(channel="email")
        mail = self.env["mail.mail"].search([("recipient_ids", "in", self.acme.ids)])
        self.assertIn(f'href="{url}"', mail.body_html.replace("&amp;", "&"))
        self.assertNotIn("/my/invoices/overdue", mail.body_html, "no portal account")

    def test_pay_all_overdue_invoices_link_for_customers_with_a_portal_account(self):
        self.assertFalse(self.acme_entry._letter_pay_all_url())
        self.make_user("acme_portal", "base.group_portal", partner_id=self.acme.id)
        url = self.acme_entry._letter_pay_all_url()
        self.assertEqual(url, f"{self.acme_entry.get_base_url()}/my/invoices/overdue")
        self.assertIn(url, self.letters_html(self.acme_entry))
        self.assertFalse(self.bolt_entry._letter_pay_all_url())

    def test_a_customer_who_paid_gets_the_exit_notice_of_its_queue(self):
        thanks = self.env.ref("collection_queues.mail_template_collection_thank_you")
        (self.acme_entry | self.bolt_entry).profile_id.exit_template_id = thanks
        mails_before = self.env["mail.mail"].search([])
        self.pay(self.acme_invoice)
        self.refresh(self.acme)
        self.assertEqual(self.acme_entry.outcome, "paid")
        mail = self.env["mail.mail"].search([]) - mails_before
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.acme)
        self.assertEqual(mail.state, "outgoing", "queued, not sent in the request")
        self.assertIn("Thank you for your payment", mail.subject)
        self.assertIn("Dear Acme Plumbing", mail.body_html)
        self.assertFalse(mail.attachment_ids, "a note, not a letter to print")
        (line,) = self.history(self.acme, "letter")
        self.assertEqual(line.queue_id, self.acme_entry)
        self.assertIn("Thank You", line.note)
        # Moved or taken out by a user: no thanks.
        self.bolt.collection_move_to_queue(self.p_legal.id)
        self.bolt.collection_remove_from_queue()
        self.assertEqual(self.env["mail.mail"].search([]) - mails_before, mail)

    def test_one_pdf_for_many_customers_cut_into_one_per_letter(self):
        entries = self.entries.with_context(force_report_rendering=True)
        action = entries.collection_send_letters(channel="print")
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(action["report_name"], entries.ids, data=action["data"])
        )
        self.assertEqual(len(PdfFileReader(io.BytesIO(pdf)).pages), 2)
        report = self.env.ref(
            "collection_queues.action_report_collection_letter"
        ).with_context(force_report_rendering=True)
        letters = entries._letter_pdfs(report, entries._letter_templates())
        for entry in entries:
            reader = PdfFileReader(io.BytesIO(letters[entry.id]))
            text = pdf_text(reader)
            self.assertIn(entry.partner_id.name, text)
            other = (entries - entry).partner_id.name
            self.assertNotIn(other, text, "each customer gets their own letter only")

    def test_a_real_pdf(self):
        action = self.acme_entry.collection_send_letters(channel="print")
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                action["report_name"], self.acme_entry.ids, data=action["data"]
            )
        )
        self.assertEqual(kind, "pdf")
        text = pdf_text(PdfFileReader(io.BytesIO(pdf)))
        self.assertIn("Acme Plumbing", text)
        self.assertIn(self.company.name, text)
        self.assertIn("1 Ledger Lane", text)
        self.assertIn("600.00", text)

    def test_letters_of_two_companies_in_one_pdf(self):
        """Each company its paper and letterhead: one run of wkhtmltopdf
        each, merged (one run cannot mix them)."""
        other = self.setup_other_company(name="Letters Other Co")["company"]
        self.env.user.company_ids |= other
        self.company.paperformat_id = self.env.ref("base.paperformat_us")
        other.paperformat_id = self.env.ref("base.paperformat_euro")
        other.collection_letter_template_id = self.reminder
        customer = self.make_customer("Zenith Dental")
        self.make_invoice(customer, 400, due=days_ago(40), company=other)
        both = self.env(
            context=dict(
                self.env.context, allowed_company_ids=[self.company.id, other.id]
            )
        )
        legal = self.make_profile("Other legal", company=other)
        customer.with_env(both).with_company(other).collection_put_in_queue(legal.id)
        entries = self.acme_entry | self.Queue.search(
            [("partner_id", "=", customer.id), ("state", "=", "open")]
        )
        self.assertEqual(len(entries.company_id), 2)
        action = entries.with_env(both).collection_send_letters(channel="print")
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_env(both)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(action["report_name"], data=action["data"])
        )
        self.assertEqual(kind, "pdf")
        text = pdf_text(PdfFileReader(io.BytesIO(pdf)))
        self.assertIn("Acme Plumbing", text)
        self.assertIn("Zenith Dental", text)
        self.assertIn("Letters Other Co", text)

    def test_bad_input_is_refused_before_anything_changes(self):
        with self.assertRaisesRegex(UserError, "'print' or 'email'"):
            self.entries.collection_send_letters(channel="fax")
        other = self.env["mail.template"].search(
            [("model", "!=", "collection.queue")], limit=1
        )
        with self.assertRaisesRegex(UserError, "not a collection letter template"):
            self.entries.collection_send_letters(other.id)
        with self.assertRaises(UserError):
            self.entries.collection_send_letters("abc")
        self.acme.collection_move_to_queue(self.p_legal.id)
        self.acme.collection_remove_from_queue()
        with self.assertRaisesRegex(UserError, "no longer in one"):
            self.acme_entry.collection_send_letters()
        self.assertFalse(self.history(self.bolt, "letter"))

    def test_only_collections_users_send_letters(self):
        salesman = self.make_user("letter_salesman", "base.group_user")
        with self.assertRaises(AccessError):
            self.entries.with_user(salesman).collection_send_letters()
        self.entries.with_user(self.collector).collection_send_letters()
        self.assertTrue(self.history(self.acme, "letter"))

    def test_a_letter_is_rendered_with_the_rights_of_its_sender(self):
        """Subject, recipients, body and attachment: what the template reads, it
        reads as the user sending the letter."""
        self.p_91.user_ids = self.make_user(
            "letter_other", "base.group_user,collection_queues.group_collection_user"
        )
        counting = self.reminder.copy(
            {
                "name": "Counting letter",
                "subject": "{{ object.env['collection.queue'].search_count([]) }} "
                "entries",
                "body_html": '<p>Seen: <t t-out="object.env['
                "'collection.queue'].search_count([])\"/></p>",
            }
        )
        visible = self.Queue.with_user(self.collector).search_count([])
        everything = self.Queue.sudo().search_count([])
        self.assertLess(visible, everything, "the collector sees fewer entries")
        # Real PDFs, not the HTML Odoo's test mode renders instead.
        self.acme_entry.with_user(self.collector).with_context(
            force_report_rendering=True
        ).collection_send_letters(counting.id, channel="email")
        mail = self.env["mail.mail"].search(
            [("model", "=", "collection.queue"), ("res_id", "=", self.acme_entry.id)]
        )
        self.assertEqual(mail.subject, f"{visible} entries")
        self.assertIn(f"Seen: {visible}", mail.body_html)
        (attachment,) = mail.attachment_ids
        text = pdf_text(PdfFileReader(io.BytesIO(attachment.raw)))
        self.assertIn(f"Seen: {visible}", text, "the attached letter too")

    def test_dialog_from_a_whole_queue_and_its_result(self):
        self.p_legal.letter_template_id = self.final
        self.acme.collection_move_to_queue(self.p_legal.id)
        self.bolt.collection_move_to_queue(self.p_legal.id)
        form = Form(
            self.env["collection.letter.wizard"].with_context(
                active_model="collection.profile", active_ids=self.p_legal.ids
            )
        )
        self.assertEqual(len(form.entry_ids), 2)
        form.channel = "email"
        wizard = form.save()
        action = wizard.action_apply()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(wizard.state, "done")
        self.assertEqual(wizard.sent_count, 1)
        self.assertEqual(wizard.no_email_partner_ids, self.bolt)

    def test_dialog_from_the_partner_prints(self):
        form = Form(
            self.env["collection.letter.wizard"].with_context(
                active_model="res.partner", active_ids=self.acme.ids
            )
        )
        self.assertEqual(form.entry_ids[:], self.acme_entry)
        action = form.save().action_apply()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"], "collection_queues.report_collection_letter"
        )


@tagged("post_install", "-at_install")
class TestPayOnline(CollectionTourCase):
    """The pay-online link of a letter, followed by whoever received it."""

    def test_the_link_opens_the_invoice_to_a_visitor_who_may_pay_it(self):
        invoice = self.make_invoice(self.customer, 321.0, days_late=15)
        (url,) = [item["pay_url"] for item in self.entry._letter_items()]
        link = urlsplit(url)
        path = f"{link.path}?{link.query}"
        self.assertEqual(link.path, f"/my/invoices/{invoice.id}")
        self.env["ir.config_parameter"].set_param(
            "account_payment.enable_portal_payment", True
        )
        # Without a payment provider, the visitor reads the invoice.
        page = self.url_open(path)
        self.assertEqual(page.status_code, 200)
        self.assertIn(invoice.name, page.text)
        self.assertIn("No payment method available", page.text)
        # With one enabled, the page offers to pay it.
        self.env["payment.provider"].create(
            {
                "name": "Collections Test Provider",
                "code": "none",
                "state": "test",
                "is_published": True,
                "payment_method_ids": [
                    Command.set(self.env.ref("payment.payment_method_unknown").ids)
                ],
            }
        )
        self.env.ref("payment.payment_method_unknown").active = True
        page = self.url_open(path)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("No payment method available", page.text)
        self.assertIn("o_payment_form", page.text)
        # Without the token, nothing opens to a visitor.
        page = self.url_open(link.path)
        self.assertNotIn(invoice.name, page.text)
