# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import uuid

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import split_every

from odoo.addons.collection_queues.models.collection_queue_letter import (
    LETTER_REPORT,
)
from odoo.addons.queue_job.delay import chain, group

from .collection_refresh_request import CHANNEL

_logger = logging.getLogger(__name__)

# Letters to more customers than this are made in the background.
LETTERS_IN_FOREGROUND = 500
# Letters per job: one PDF each when printed.
LETTERS_PER_JOB = 500


class CollectionQueue(models.Model):
    """Letters to many customers as jobs; their user is told in Discuss."""

    _inherit = "collection.queue"

    def _deliver_letters(self, templates, channel):
        customers = self.partner_id
        if len(customers) <= LETTERS_IN_FOREGROUND:
            return super()._deliver_letters(templates, channel)
        # Run as the user who asked, with their rights, checked again when each
        # job runs. The run's key names the PDFs the last job hands over; its
        # start, the letters logged since. A job's letters are of one company
        # (one paper, one letterhead).
        run, since = uuid.uuid4().hex, fields.Datetime.to_string(fields.Datetime.now())
        batches = [
            batch
            for company in self.company_id.sorted("id")
            for batch in split_every(
                LETTERS_PER_JOB,
                [
                    [entry.id, template.id]
                    for entry, template in templates.items()
                    if entry.company_id == company
                ],
            )
        ]
        entries = self.browse()
        jobs = [
            entries.delayable(
                channel=CHANNEL,
                description=self.env._(
                    "Collections: %(count)s letters (%(part)s/%(parts)s)",
                    count=len(batch),
                    part=part,
                    parts=len(batches),
                ),
            )._job_deliver_letters(list(batch), channel, run)
            for part, batch in enumerate(batches, start=1)
        ]
        done = entries.delayable(
            channel=CHANNEL,
            description=self.env._("Collections: letters done"),
        )._job_letters_done(channel, self.ids, run, since)
        chain(group(*jobs), done).delay()
        return {"queued": customers.ids}

    @api.model
    def _job_deliver_letters(self, letters, channel, run):
        """Print or e-mail the letters (``[[entry id, template id]]``) of the
        entries still in a queue and still the user's to see; printed ones land
        in a PDF for the last job. Letters that cannot be made (a template that
        fails to render) are neither sent nor logged, and the job ends: the
        last job says so."""
        self._check_letter_user()
        templates = self.env["mail.template"].browse({t for _e, t in letters})
        template_of = dict(letters)
        entries = self._still_lettered(list(template_of))
        if not entries:
            return self.env._("No customer left in a queue.")
        templates = {
            entry: templates.browse(template_of[entry.id]) for entry in entries
        }
        try:
            with self.env.cr.savepoint():
                if channel == "email":
                    result = entries._email_letters(templates)
                    return self.env._(
                        "%(sent)s e-mailed, %(missing)s without an address.",
                        sent=len(result["sent"]),
                        missing=len(result["no_email"]),
                    )
                pdf, _kind = self.env["ir.actions.report"]._render_qweb_pdf(
                    LETTER_REPORT, entries.ids, data=entries._report_data(templates)
                )
                entries._log_letters(templates, channel)
        except psycopg2.Error:
            raise  # the job queue retries those
        except Exception as error:  # a letter's own failure: reported, not retried
            _logger.warning("Collection letters not made: %s", error)
            return self.env._(
                "%(count)s letters not made: %(error)s", count=len(entries), error=error
            )
        # Attached to nothing: its user's alone until the notification.
        self.env["ir.attachment"].create(
            {
                "name": self._letters_file_name(run, entries[0].id),
                "raw": pdf,
                "mimetype": "application/pdf",
            }
        )
        return self.env._("%(count)s letters printed.", count=len(entries))

    @api.model
    def _still_lettered(self, entry_ids):
        """Those of the entries still in a queue and still the user's to see."""
        return (
            self.browse(entry_ids)
            .exists()
            ._filtered_access("read")
            .filtered(lambda entry: entry.state == "open")
        )

    @api.model
    def _letters_file_name(self, run, first_entry_id):
        name = self.env._("Collection Letters")
        return f"{name} {run[:8]}-{first_entry_id}.pdf"

    @api.model
    def _job_letters_done(self, channel, entry_ids, run, since):
        """Tell the user who asked for the letters what was made, from the
        history (the letters logged since the run began); printed ones come
        attached."""
        attachments = self.env["ir.attachment"].search(
            [
                ("res_model", "=", False),
                ("create_uid", "=", self.env.uid),
                ("name", "=like", self._letters_file_name(run, 0)[:-5] + "%"),
            ],
            order="id",
        )
        entries = self._still_lettered(entry_ids)
        lettered = (
            self.env["collection.activity"]
            .search(
                [
                    ("queue_id", "in", entries.ids),
                    ("activity_type_id.code", "=", "letter"),
                    ("user_id", "=", self.env.uid),
                    ("date", ">=", since),
                ]
            )
            .queue_id
        )
        if channel == "email":
            body = self.env._(
                "The collection letters to %(count)s customers are in the mail "
                "queue; each customer's history says which went out.",
                count=len(lettered.partner_id),
            )
        else:
            body = self.env._(
                "The collection letters to %(count)s customers are printed: "
                "attached, in %(files)s files.",
                count=len(lettered.partner_id),
                files=len(attachments),
            )
        paragraphs = [body]
        unsent = entries - lettered
        no_address = (
            unsent.filtered(lambda entry: not entry.letter_recipient_id.email)
            if channel == "email"
            else self.browse()
        )
        if no_address:
            paragraphs.append(
                self.env._(
                    "No e-mail address: %(customers)s.",
                    customers=", ".join(no_address.partner_id.mapped("display_name")),
                )
            )
        missing = len(self.browse(entry_ids).partner_id) - len(
            (lettered | no_address).partner_id
        )
        if missing > 0:
            paragraphs.append(
                self.env._(
                    "Not made for %(count)s customers: no longer in a queue, no "
                    "longer yours to see, or their letters could not be made "
                    "(an administrator finds why in Job Queue > Jobs).",
                    count=missing,
                )
            )
        body = Markup("").join(Markup("<p>%s</p>") % p for p in paragraphs)
        # A message from OdooBot in the user's chat with it, as Odoo's own
        # onboarding: in Discuss whatever the user's notification preference.
        odoobot = self.env.ref("base.partner_root")
        chat = self.env["discuss.channel"].channel_get([odoobot.id])
        chat.sudo().message_post(
            author_id=odoobot.id,
            subject=self.env._("Collection letters done"),
            body=body,
            attachment_ids=attachments.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return body
