# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..hooks import refuse_if_in_use


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_credits_reduce_amount = fields.Boolean(
        string="Credits Reduce the Qualifying Amount",
        help="Unapplied payments and credit notes are deducted from the amount past "
        "due that is compared with a queue's minimum.",
    )
    collection_letter_template_id = fields.Many2one(
        "mail.template",
        string="Default Collection Letter",
        domain="[('model', '=', 'collection.queue'), ('company_id', 'in', [id, False])]",
        help="Used for the queues that have no letter template of their own.",
    )
    collection_promise_tolerance_days = fields.Integer(
        string="Promise Tolerance (Days)",
        default=3,
        help="Payments made up to this many days after the promised day still keep "
        "a promise to pay.",
    )

    collection_quiet_days = fields.Integer(
        string="Quiet Days",
        default=5,
        help="An automatic step e-mails or prints a letter only when the last "
        "letter to the customer in its queue is at least this many days old.",
    )

    _sql_constraints = [
        (
            "collection_quiet_days_positive",
            "CHECK (collection_quiet_days >= 0)",
            "The quiet days cannot be negative.",
        ),
        (
            "collection_promise_tolerance_days_positive",
            "CHECK (collection_promise_tolerance_days >= 0)",
            "The promise tolerance cannot be negative.",
        ),
    ]

    @api.ondelete(at_uninstall=True)
    def _unlink_except_in_use_at_uninstall(self):
        refuse_if_in_use(self)
