# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .collection_queue_letter import LETTER_REPORT


class CollectionLetterPrint(models.Model):
    """A letter an automatic step put aside for printing: a manager prints the
    waiting ones as one PDF, and each is logged in the history when printed."""

    _name = "collection.letter.print"
    _description = "Collection Letter to Print"
    _order = "state desc, date, id"
    _rec_name = "partner_id"

    entry_id = fields.Many2one(
        "collection.queue",
        string="Queue Entry",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        related="entry_id.partner_id", string="Customer", store=True
    )
    profile_id = fields.Many2one(related="entry_id.profile_id", store=True)
    company_id = fields.Many2one(related="entry_id.company_id", store=True, index=True)
    step_id = fields.Many2one(
        "collection.profile.step", string="Step", readonly=True, ondelete="set null"
    )
    template_id = fields.Many2one(
        "mail.template", string="Letter", required=True, readonly=True
    )
    date = fields.Date(required=True, readonly=True)
    state = fields.Selection(
        [
            ("waiting", "To Print"),
            ("printed", "Printed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="waiting",
        readonly=True,
        index=True,
        help="Cancelled: the customer left the queue before the letter was printed.",
    )
    date_printed = fields.Datetime(string="Printed On", readonly=True)
    printed_by_id = fields.Many2one("res.users", string="Printed By", readonly=True)

    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group(
            "collection_queues.group_collection_manager"
        ):
            raise AccessError(
                self.env._("Only collections managers print the waiting letters.")
            )

    def action_print(self):
        """One PDF of the selected waiting letters (the latest per customer),
        logged as printed; the letters of customers no longer in the queue are
        cancelled."""
        self._check_manager()
        waiting = self.filtered(lambda letter: letter.state == "waiting")
        if not waiting:
            raise UserError(self.env._("No letter is waiting to be printed."))
        gone = waiting.filtered(lambda letter: letter.entry_id.state != "open")
        gone.sudo().write({"state": "cancelled"})
        waiting -= gone
        if not waiting:
            raise UserError(
                self.env._(
                    "These customers are no longer in a queue: their letters were "
                    "cancelled."
                )
            )
        templates = {}
        for letter in waiting.sorted(lambda letter: (letter.date, letter.id)):
            templates[letter.entry_id] = letter.template_id  # the latest wins
        entries = waiting.entry_id
        entries._log_letters(templates, "print")
        waiting.sudo().write(
            {
                "state": "printed",
                "date_printed": fields.Datetime.now(),
                "printed_by_id": self.env.user.id,
            }
        )
        return self.env.ref(LETTER_REPORT).report_action(
            entries, data=entries._report_data(templates), config=False
        )

    @api.model
    def action_print_waiting(self):
        """Print every letter waiting in the user's companies."""
        self._check_manager()
        return self.search([("state", "=", "waiting")]).action_print()
