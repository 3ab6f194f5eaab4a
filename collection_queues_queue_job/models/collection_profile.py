# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.queue_job.delay import chain, group

from .collection_refresh_request import CHANNEL


class CollectionProfile(models.Model):
    """The daily job as a graph of jobs: the refresh in batches of customers,
    run side by side, then the automatic steps, a batch of entries after
    another."""

    _inherit = "collection.profile"

    @api.model
    def _cron_refresh_queues(self):
        """Daily: a refresh job per batch of the customers a refresh may
        change (each judging its customers' promises first), then the
        automatic steps. The day is the jobs' argument: a job retried after
        midnight still does the day it was made for."""
        self._check_scheduler()
        day = fields.Date.context_today(self)
        requests = self.env["collection.refresh.request"]
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT partner_id FROM (%s) candidate",
                requests._candidates_sql(),
            )
        )
        partner_ids = [partner_id for (partner_id,) in self.env.cr.fetchall()]
        steps = self._steps_job(day, 0)
        refreshes = requests._refresh_jobs(partner_ids, date=day)
        if refreshes:
            chain(group(*refreshes), steps).delay()
        else:
            steps.delay()

    @api.model
    def _steps_job(self, day, after):
        profiles = self.env["collection.refresh.request"]._scheduler_env()[self._name]
        return profiles.delayable(
            channel=CHANNEL,
            description=profiles.env._(
                "Collections: automatic steps of %(day)s", day=day
            ),
        )._job_run_steps(fields.Date.to_string(day), after)

    @api.model
    def _job_run_steps(self, day, after):
        """The automatic steps due on ``day`` for the open entries after the
        entry ``after``, a batch; the next batch is a job made here, in the
        same transaction, so a batch is never done twice nor skipped."""
        day = fields.Date.to_date(day)
        done, last_entry_id = self._run_steps_batch(day, after)
        if last_entry_id:
            self._steps_job(day, last_entry_id).delay()
        return self.env._("%(count)s steps run.", count=done)
