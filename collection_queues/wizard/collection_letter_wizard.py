# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models import collection_arguments as arguments


class CollectionLetterWizard(models.TransientModel):
    """Print or e-mail collection letters for an entry, a customer, a selection
    of entries or whole queues."""

    _name = "collection.letter.wizard"
    _description = "Print or Send Collection Letters"

    entry_ids = fields.Many2many(
        "collection.queue", string="Queue Entries", required=True, readonly=True
    )
    entry_count = fields.Integer(compute="_compute_summary")
    template_id = fields.Many2one(
        "mail.template",
        string="Letter",
        domain=[("model", "=", "collection.queue")],
        help="Empty: each queue's letter, else the company's default (Settings).",
    )
    channel = fields.Selection(
        [("print", "Print"), ("email", "E-mail")], required=True, default="print"
    )
    summary = fields.Char(compute="_compute_summary")
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    sent_count = fields.Integer(readonly=True)
    no_email_partner_ids = fields.Many2many(
        "res.partner", string="Customers Without an E-mail Address", readonly=True
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "entry_ids" in fields_list and not values.get("entry_ids"):
            values["entry_ids"] = [Command.set(self._context_entries().ids)]
        return values

    @api.model
    def _context_entries(self):
        """The open entries of what the dialog was opened from: entries,
        customers (in the current company) or queues."""
        context = self.env.context
        ids = context.get("active_ids") or (
            [context["active_id"]] if context.get("active_id") else []
        )
        model = context.get("active_model")
        Queue = self.env["collection.queue"]
        if model not in ("collection.queue", "res.partner", "collection.profile"):
            return Queue
        records = arguments.readable_selection(self.env, model, ids)
        if model == "collection.queue":
            return records.filtered(lambda entry: entry.state == "open")
        if model == "res.partner":
            domain = [
                ("partner_id", "in", records.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        else:
            domain = [("profile_id", "in", records.ids)]
        domain.append(("state", "=", "open"))
        entries = Queue.search(domain)
        if not self.env.su and Queue.sudo().search_count(domain) != len(entries):
            raise UserError(
                self.env._(
                    "Some of these customers are in a queue you are not allowed on: "
                    "open their letters from the queues you work."
                )
            )
        return entries

    @api.model_create_multi
    def create(self, vals_list):
        arguments.check_readable_values(self, vals_list)
        return super().create(vals_list)

    def onchange(self, values, field_names, fields_spec):
        arguments.check_readable_values(self, [values])
        return super().onchange(values, field_names, fields_spec)

    @api.depends("entry_ids", "template_id", "channel")
    def _compute_summary(self):
        for wizard in self:
            count = len(wizard.entry_ids)
            wizard.entry_count = count
            letter = wizard.template_id.name or self.env._("each queue's letter")
            if count == 1:
                wizard.summary = (
                    self.env._(
                        "A PDF of the letter (%(letter)s) to %(customer)s, in their "
                        "language; the letter is logged in the history.",
                        letter=letter,
                        customer=wizard.entry_ids.partner_id.display_name,
                    )
                    if wizard.channel == "print"
                    else self.env._(
                        "An e-mail to %(customer)s with the letter (%(letter)s) "
                        "attached, queued for sending.",
                        letter=letter,
                        customer=wizard.entry_ids.partner_id.display_name,
                    )
                )
            elif wizard.channel == "print":
                wizard.summary = self.env._(
                    "One PDF (%(letter)s) with a letter for each of the %(count)s "
                    "customers, each in its customer's language; each letter is "
                    "logged in the history.",
                    count=count,
                    letter=letter,
                )
            else:
                wizard.summary = self.env._(
                    "An e-mail (%(letter)s) with the letter attached for each of the "
                    "%(count)s customers, queued for sending; customers without an "
                    "e-mail address are listed afterwards.",
                    count=count,
                    letter=letter,
                )

    def action_apply(self):
        self.ensure_one()
        result = self.entry_ids.collection_send_letters(
            self.template_id.id or False, channel=self.channel
        )
        if "queued" in result:
            return self._letters_queued_notification(len(result["queued"]))
        if self.channel == "print":
            # The dialog closes once the PDF is downloaded: a second click would
            # print and log every letter again.
            return dict(result, close_on_report_download=True)
        self.write(
            {
                "state": "done",
                "sent_count": len(result["sent"]),
                "no_email_partner_ids": [Command.set(result["no_email"])],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Collection Letters Sent"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _letters_queued_notification(self, count):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Collection letters on their way"),
                "message": self.env._(
                    "The letters to %(count)s customers are being made in the "
                    "background; OdooBot will tell you in Discuss when they are "
                    "done.",
                    count=count,
                ),
                "type": "info",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
