# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import promises

_logger = logging.getLogger(__name__)

REFRESH_ON_CHANGE_PARAM = "collection_queues.refresh_on_change"
# Customers refreshed per transaction of the refresh job.
BATCH_SIZE = 5000


class CollectionRefreshRequest(models.Model):
    """Customers waiting to be re-sequenced.

    Accounting operations only append rows here (no unique key, no update: an insert
    that can neither fail nor wait on another transaction); the refresh job takes
    them in batches, one transaction each, and deletes what it has done. What a
    crash leaves here is simply done by the next run.
    """

    _name = "collection.refresh.request"
    _description = "Collection Refresh Request"
    _order = "id"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade"
    )

    @api.model
    def _enqueue(self, partners, force=False):
        """Ask for a refresh of these customers within minutes (when the setting
        is on, or ``force``)."""
        partners = partners.commercial_partner_id
        if not partners or not (force or self._refresh_on_change()):
            return
        self.env.cr.execute(
            SQL(
                "INSERT INTO collection_refresh_request (partner_id) SELECT unnest(%s::int[])",
                partners.ids,
            )
        )
        self._schedule_refresh(partners)

    @api.model
    def _schedule_refresh(self, partners):
        """Have the requests just made for ``partners`` done soon."""
        self._trigger_refresh()

    @api.model
    def _refresh_on_change(self):
        return bool(
            self.env["ir.config_parameter"].sudo().get_param(REFRESH_ON_CHANGE_PARAM)
        )

    @api.model
    def _enqueue_all(self):
        """Queue every customer a refresh may change."""
        self.env.cr.execute(
            SQL(
                "INSERT INTO collection_refresh_request (partner_id) %s",
                self._candidates_sql(),
            )
        )

    @api.model
    def _candidates_sql(self):
        """The customers a refresh may change (``partner_id``, possibly twice):
        those in a queue, those with an item old enough for some sequenced
        profile's window (nobody else can meet one), and those with an open
        promise (judged with their refresh)."""
        self.env.flush_all()
        profiles = self.env["collection.profile"].sudo()
        youngest = profiles._read_group(
            [("auto_sequence", "=", True)], aggregates=["days_past_due_min:min"]
        )[0][0]
        candidates = SQL()
        if youngest is not None:
            open_items = self.env["collection.receivable"]._open_items_sql(
                fields.Date.context_today(self),
                self.env["res.company"].sudo().search([]),
            )
            candidates = SQL(
                """
                SELECT item.partner_id FROM (%s) item
                 WHERE item.claimable > 0 AND item.days >= %s
                 UNION
                """,
                open_items,
                youngest,
            )
        return SQL(
            """
            %s
            SELECT partner_id FROM collection_queue WHERE state = 'open'
             UNION
            SELECT partner_id FROM collection_promise WHERE state = %s
            """,
            candidates,
            promises.OPEN,
        )

    @api.model
    def _trigger_refresh(self, delay=None):
        cron = self.env.ref(
            "collection_queues.ir_cron_refresh_changed", raise_if_not_found=False
        )
        if cron:
            cron._trigger(fields.Datetime.now() + delay if delay else None)

    @api.model
    def _process_batch(self, batch_size=BATCH_SIZE):
        """Refresh the customers of the oldest requests, in every company; report
        progress to the cron runner, which commits and calls again while some
        remain."""
        self.env.flush_all()
        # The oldest requests by id (the primary key's index): no aggregate over
        # the whole table, which holds every customer after the daily job.
        self.env.cr.execute(
            SQL(
                "SELECT id, partner_id FROM collection_refresh_request ORDER BY id LIMIT %s",
                batch_size,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        partner_ids = list(dict.fromkeys(partner_id for _id, partner_id in rows))
        result = self._refresh_requested(partner_ids, [id_ for id_, _p in rows])
        if result["skipped_companies"]:
            # Another refresh holds these companies: leave the requests for later.
            _logger.info(
                "Collection refresh postponed: %s already being refreshed",
                ", ".join(result["skipped_companies"]),
            )
            self._trigger_refresh(delay=timedelta(minutes=1))
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        self.env.cr.execute("SELECT COUNT(*) FROM collection_refresh_request")
        remaining = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=len(partner_ids), remaining=remaining)

    @api.model
    def _refresh_requested(self, partner_ids, request_ids, date=None, shared=False):
        """Refresh these customers in every company and drop the requests read
        for them (``request_ids``); when another refresh holds a company (with
        ``shared``: a whole one), leave it and keep the requests.

        Everything is recomputed from the facts, in the caller's transaction:
        run again after a crash or a retry, it finds what is already done and
        logs nothing twice.
        """
        partners = self.env["res.partner"].browse(partner_ids).exists()
        date = date or fields.Date.context_today(self)
        # Promises first: one kept by the payment that takes the customer out of
        # collections is judged on that payment.
        self.env["collection.promise"]._evaluate(partners, date=date)
        companies = self.env["res.company"].sudo().search([])
        result = (
            self.env["collection.sequencer"]
            .sudo()
            .with_context(allowed_company_ids=companies.ids)
            ._refresh(companies, partners=partners, date=date, shared=shared)
        )
        if result["skipped_companies"]:
            return result
        # Done: the requests read before the facts were (the refresh saw the
        # changes they were made for). Not a range of ids: a request committed
        # meanwhile may have a lower id than one read, and waits for its turn.
        self.env.cr.execute(
            SQL(
                "DELETE FROM collection_refresh_request WHERE id = ANY(%s)",
                request_ids,
            )
        )
        return result
