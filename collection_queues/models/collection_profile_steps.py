# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from . import collection_arguments as arguments

# Set by the daily job, cleared once the automatic steps ran after its refresh.
STEPS_DUE_PARAM = "collection_queues.steps_due"
# Where the steps job stopped: the last entry done.
STEPS_AFTER_PARAM = "collection_queues.steps_after"
# Entries whose steps the job runs per transaction.
STEPS_BATCH = 2000


class CollectionProfile(models.Model):
    """The automatic steps of the queues."""

    _inherit = "collection.profile"  # pylint: disable=consider-merging-classes-inherited

    step_ids = fields.One2many(
        "collection.profile.step", "profile_id", string="Automatic Steps"
    )

    @api.model
    @arguments.public_method
    def collection_run_steps(self, date=None, dry_run=False):
        """Run the automatic steps due as of ``date`` for the open entries of
        the companies the user may act on.

        :param date: a date or ``YYYY-MM-DD`` (default today); more than a
            year from today only for a dry run
        :param dry_run: change nothing, say what would run: the same as
            ``preview_steps``, which is read only (a read replica may serve it)
        :return: ``{'done': [...], 'held': [...], 'skipped': [...]}``, lists
            of dicts with ``partner_id``, ``entry_id``, ``profile_id``,
            ``step_id``, ``action`` and, for the held ones, ``reason``.
            ``skipped``: the steps of the same kind passed over for a later one.
        """
        if not self.env.su and not self.env.user.has_group(
            "collection_queues.group_collection_manager"
        ):
            raise AccessError(
                self.env._("Only collections managers run the automatic steps.")
            )
        if arguments.flag_arg(self.env, dry_run, self.env._("Dry run")):
            return self.preview_steps(date=date)
        date, far = self._run_date(date, self.env._("Date of the steps"))
        if far:
            raise UserError(
                self.env._(
                    "Steps as of %(date)s, more than a year from today, would "
                    "write to customers by days nobody has today. Preview them "
                    "with a dry run instead.",
                    date=date,
                )
            )
        result = self.env["collection.step.run"]._run(self._run_companies(), date)
        result.pop("last_entry_id")
        return result

    @api.model
    @api.readonly
    @arguments.public_method
    def preview_steps(self, date=None):
        """What ``collection_run_steps`` would run as of ``date``, changing
        nothing: its dry run. Read only: through the web client, a read replica
        serves it when Odoo has one (``db_replica_host``).

        :param date: a date or ``YYYY-MM-DD`` (default today), as far from
            today as wished
        :return: ``{'done': [...], 'held': [...], 'skipped': [...]}``, what a
            run would do, as ``collection_run_steps`` returns it.
        """
        if not self.env.su and not self.env.user.has_group(
            "collection_queues.group_collection_manager"
        ):
            raise AccessError(
                self.env._("Only collections managers run the automatic steps.")
            )
        date, _far = self._run_date(date, self.env._("Date of the steps"))
        result = self.env["collection.step.run"]._run(
            self._run_companies(), date, dry_run=True
        )
        result.pop("last_entry_id")
        return result

    def action_open_step_preview(self):
        return self.env["collection.step.preview"]._open_preview()

    # ------------------------------------------------------------------
    # The daily job: the steps run once its refresh is done
    # ------------------------------------------------------------------

    @api.model
    def _cron_refresh_queues(self):
        result = super()._cron_refresh_queues()
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(STEPS_DUE_PARAM, fields.Date.context_today(self).isoformat())
        params.set_param(STEPS_AFTER_PARAM, "0")
        return result

    @api.model
    def _cron_refresh_changed(self):
        result = super()._cron_refresh_changed()
        if self.env["ir.config_parameter"].sudo().get_param(STEPS_DUE_PARAM):
            self.env.cr.execute(SQL("SELECT 1 FROM collection_refresh_request LIMIT 1"))
            if not self.env.cr.fetchone():
                self.env.ref("collection_queues.ir_cron_run_steps")._trigger()
        return result

    @api.model
    def _cron_run_steps(self):
        """After the daily refresh: the automatic steps of every company, a
        batch of entries per transaction; the cron runner calls again while
        some remain, and a crash resumes from the last batch done."""
        self._check_scheduler()
        params = self.env["ir.config_parameter"].sudo()
        if not params.get_param(STEPS_DUE_PARAM):
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        after = int(params.get_param(STEPS_AFTER_PARAM) or 0)
        done, last_entry_id = self._run_steps_batch(
            fields.Date.context_today(self), after
        )
        if last_entry_id:
            params.set_param(STEPS_AFTER_PARAM, str(last_entry_id))
            self.env["ir.cron"]._notify_progress(done=done, remaining=1)
        else:
            params.set_param(STEPS_DUE_PARAM, False)
            params.set_param(STEPS_AFTER_PARAM, False)
            self.env["ir.cron"]._notify_progress(done=done, remaining=0)

    @api.model
    def _run_steps_batch(self, date, after):
        """The automatic steps due as of ``date`` in every company, for a batch
        of the open entries after the entry ``after``: how many ran, and the
        last entry of the batch (0 when no entry was left)."""
        companies = self.env["res.company"].sudo().search([])
        result = (
            self.env["collection.step.run"]
            .sudo()
            .with_context(allowed_company_ids=companies.ids)
            ._run(companies, date, after=after, limit=STEPS_BATCH)
        )
        last_entry_id = result["last_entry_id"]
        return len(result["done"]), last_entry_id if last_entry_id > after else 0
