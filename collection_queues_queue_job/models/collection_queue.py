# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import uuid

from markupsafe import Markup

from odoo import api, models
from odoo.tools import split_every

from odoo.addons.collection_queues.models.collection_queue_letter import (
    LETTER_REPORT,
)
from odoo.addons.queue_job.delay import chain, group

from .collection_refresh_request import CHANNEL

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
        # job runs. The run's key names the PDFs the last job hands over.
        run = uuid.uuid4().hex
        batches = list(
            split_every(
                LETTERS_PER_JOB,
                [[entry.id, template.id] for entry, template in templates.items()],
            )
        )
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
        )._job_letters_done(channel, len(customers), run)
        chain(group(*jobs), done).delay()
        return {"queued": customers.ids}

    @api.model
    def _job_deliver_letters(self, letters, channel, run):
        """Print or e-mail the letters (``[[entry id, template id]]``) of the
        entries still in a queue and still the user's to see; printed ones land
        in a PDF for the last job."""
        self._check_letter_user()
        templates = self.env["mail.template"].browse({t for _e, t in letters})
        template_of = dict(letters)
        entries = (
            self.browse(list(template_of))
            .exists()
            ._filtered_access("read")
            .filtered(lambda e: e.state == "open")
        )
        if not entries:
            return self.env._("No customer left in a queue.")
        templates = {
            entry: templates.browse(template_of[entry.id]) for entry in entries
        }
        if channel == "email":
            result = entries._email_letters(templates)
            return self.env._(
                "%(sent)s e-mailed, %(missing)s without an address.",
                sent=len(result["sent"]),
                missing=len(result["no_email"]),
            )
        entries._log_letters(templates, channel)
        report = self.env["ir.actions.report"]
        pdf, _kind = report._render_qweb_pdf(
            LETTER_REPORT, entries.ids, data=entries._report_data(templates)
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
    def _letters_file_name(self, run, first_entry_id):
        name = self.env._("Collection Letters")
        return f"{name} {run[:8]}-{first_entry_id}.pdf"

    @api.model
    def _job_letters_done(self, channel, count, run):
        """Tell the user who asked for the letters; printed ones come
        attached."""
        attachments = self.env["ir.attachment"].search(
            [
                ("res_model", "=", False),
                ("create_uid", "=", self.env.uid),
                ("name", "=like", self._letters_file_name(run, 0)[:-5] + "%"),
            ],
            order="id",
        )
        if channel == "email":
            body = self.env._(
                "The collection letters to %(count)s customers are in the mail "
                "queue; each customer's history says which went out.",
                count=count,
            )
        else:
            body = self.env._(
                "The collection letters to %(count)s customers are printed: "
                "attached, in %(files)s files.",
                count=count,
                files=len(attachments),
            )
        # A message from OdooBot in the user's chat with it, as Odoo's own
        # onboarding: in Discuss whatever the user's notification preference.
        odoobot = self.env.ref("base.partner_root")
        chat = self.env["discuss.channel"].channel_get([odoobot.id])
        chat.sudo().message_post(
            author_id=odoobot.id,
            subject=self.env._("Collection letters done"),
            body=Markup("<p>%s</p>") % body,
            attachment_ids=attachments.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return body
