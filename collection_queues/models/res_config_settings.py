# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models

from .collection_refresh_request import REFRESH_ON_CHANGE_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_daily_refresh = fields.Boolean(
        string="Daily Queue Refresh",
        help="Re-sequence every customer once a day.",
    )
    collection_daily_refresh_time = fields.Float(
        string="Daily Refresh Time",
        help="When the daily refresh runs, in your time zone.",
    )
    collection_refresh_on_change = fields.Boolean(
        string="Refresh on Receivable Changes",
        config_parameter=REFRESH_ON_CHANGE_PARAM,
        help="Re-sequence a customer within minutes of an invoice, credit note or "
        "payment changing its receivables.",
    )
    collection_credits_reduce_amount = fields.Boolean(
        related="company_id.collection_credits_reduce_amount", readonly=False
    )
    collection_letter_template_id = fields.Many2one(
        related="company_id.collection_letter_template_id", readonly=False
    )
    collection_promise_tolerance_days = fields.Integer(
        related="company_id.collection_promise_tolerance_days", readonly=False
    )
    collection_quiet_days = fields.Integer(
        related="company_id.collection_quiet_days", readonly=False
    )

    def _collection_daily_cron(self):
        return self.env.ref("collection_queues.ir_cron_refresh_queues").sudo()

    def _collection_tz(self):
        return pytz.timezone(self.env.user.tz or "UTC")

    @api.model
    def get_values(self):
        values = super().get_values()
        cron = self._collection_daily_cron()
        nextcall = pytz.utc.localize(cron.nextcall).astimezone(self._collection_tz())
        values.update(
            collection_daily_refresh=cron.active,
            collection_daily_refresh_time=nextcall.hour + nextcall.minute / 60,
        )
        return values

    def set_values(self):
        result = super().set_values()
        cron = self._collection_daily_cron()
        tz = self._collection_tz()
        hours, minutes = divmod(round(self.collection_daily_refresh_time * 60), 60)
        now = datetime.now(tz)
        nextcall = tz.localize(datetime.combine(now.date(), time(hours % 24, minutes)))
        if nextcall <= now:
            nextcall += timedelta(days=1)
        vals = {"active": self.collection_daily_refresh}
        current = pytz.utc.localize(cron.nextcall).astimezone(tz)
        if (current.hour, current.minute) != (nextcall.hour, nextcall.minute):
            vals["nextcall"] = nextcall.astimezone(pytz.utc).replace(tzinfo=None)
        cron.write(vals)
        return result
