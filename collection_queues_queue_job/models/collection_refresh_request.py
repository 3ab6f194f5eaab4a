# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL, split_every

from odoo.addons.collection_queues.models.collection_sequencer import (
    REFRESH_LOCK_NAMESPACE,
)
from odoo.addons.collection_queues.tools import sql
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact

_logger = logging.getLogger(__name__)

CHANNEL = "root.collection_queues"
# Customers refreshed per job, unless the system parameter says otherwise.
BATCH_SIZE_PARAM = "collection_queues.job_batch_size"
BATCH_SIZE = 5000
# When a whole refresh holds a company, its refresh jobs start again after this.
RETRY_SECONDS = 10
# The customers whose refresh jobs a transaction makes once committed.
SCHEDULED_KEY = "collection_queues_queue_job.refresh_jobs"


class CollectionRefreshRequest(models.Model):
    """Refreshes as jobs of the job queue, on any node that runs them."""

    _inherit = "collection.refresh.request"

    @api.model
    def _batch_size(self):
        value = self.env["ir.config_parameter"].sudo().get_param(BATCH_SIZE_PARAM)
        try:
            return max(int(value or BATCH_SIZE), 1)
        except ValueError:
            # Read while invoices are posted: a typo must not stop accounting.
            _logger.warning(
                "%s is not a number of customers (%r): %s used",
                BATCH_SIZE_PARAM,
                value,
                BATCH_SIZE,
            )
            return BATCH_SIZE

    @api.model
    def _scheduler_env(self):
        """The jobs' environment: the scheduler's, with its language and time
        zone, whoever's change made them (queue_job keeps those of the
        environment a job is made in)."""
        root = self.env.ref("base.user_root")
        return self.env(user=SUPERUSER_ID, context=root.context_get())

    @api.model
    def _refresh_jobs(self, partner_ids, date=None):
        """One job per batch of these customers (sorted, so that the same
        customers make the same job), run as the scheduler: the customer's
        changes, not who made them, decide. Delayables, to be delayed or
        chained."""
        requests = self._scheduler_env()[self._name]
        batches = list(split_every(self._batch_size(), sorted(set(partner_ids))))
        return [
            requests.delayable(
                channel=CHANNEL,
                identity_key=identity_exact,
                description=requests.env._(
                    "Collections: refresh %(count)s customers (%(part)s/%(parts)s)",
                    count=len(batch),
                    part=part,
                    parts=len(batches),
                ),
            )._job_refresh_customers(list(batch), date and fields.Date.to_string(date))
            for part, batch in enumerate(batches, start=1)
        ]

    @api.model
    def _schedule_refresh(self, partners):
        # Jobs made once the change is committed, in a transaction of their
        # own: a job found waiting for the same customers (the identity key:
        # a burst of payments makes one job) then has yet to read the facts,
        # and reads this change with them. The customers of every change of
        # the transaction make their jobs together.
        cr = self.env.cr
        waiting = cr.postcommit.data.setdefault(SCHEDULED_KEY, set())
        if not waiting:
            registry, partner_ids = self.env.registry, waiting

            @cr.postcommit.add
            def make_jobs():
                with registry.cursor() as job_cr:
                    env = api.Environment(job_cr, SUPERUSER_ID, {})
                    for job in env[self._name]._refresh_jobs(partner_ids):
                        job.delay()

        waiting.update(partners.ids)

    @api.model
    def _job_refresh_customers(self, partner_ids, date=None):
        """Refresh these customers as of ``date`` (``YYYY-MM-DD``, default
        the day it runs) in every company, answering their pending requests.

        Side by side with the other jobs' customers (each company's refresh
        lock shared): the customers two jobs would change at once are left by
        the second for a job of their own, as when a user changes them. While a
        whole refresh holds a company (a manager's, the scheduled action's),
        the job is postponed, to start again from the facts of then."""
        self.env.flush_all()
        for company in self.env["res.company"].sudo().search([], order="id"):
            if not sql.try_transaction_lock(
                self.env.cr, REFRESH_LOCK_NAMESPACE, company.id, shared=True
            ):
                raise RetryableJobError(
                    self.env._(
                        "%(company)s is being refreshed: the job starts again "
                        "once it is done.",
                        company=company.name,
                    ),
                    seconds=RETRY_SECONDS,
                    ignore_retry=True,
                )
        self.env.cr.execute(
            SQL(
                "SELECT id FROM collection_refresh_request WHERE partner_id = ANY(%s)",
                partner_ids,
            )
        )
        request_ids = [id_ for (id_,) in self.env.cr.fetchall()]
        result = self._refresh_requested(
            partner_ids,
            request_ids,
            date=fields.Date.to_date(date) if date else None,
            shared=True,
        )
        return self.env["collection.profile"]._refresh_summary(result)
