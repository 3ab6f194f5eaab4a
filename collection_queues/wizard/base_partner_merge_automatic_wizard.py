# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import psycopg2

from odoo import fields, models
from odoo.tools import SQL, format_date

from ..models.collection_queue import plain_html
from ..tools import promises, sql

# The tables whose rows belong to one customer, by ``partner_id``.
CUSTOMER_MODELS = ("collection.queue", "collection.promise", "collection.activity")


class MergePartnerAutomatic(models.TransientModel):
    """Contacts > Merge keeps the collection records of every merged customer on
    the customer kept: queue entries, history lines and promises to pay.

    Odoo's merge rewrites the references to the merged contacts in SQL, and
    deletes the rows it cannot rewrite. The database allows one open entry and
    one open promise per customer and company, so these are settled first, per
    company: one open entry stays (a user's placement in a queue that is not
    sequenced, which no refresh would restore; else the kept customer's; else
    the oldest), the others end, and the entry that stays tells in its history
    what became of them; the newest open promise stands, as a new promise
    replaces an open one, and the others are cancelled with a history line.
    Once merged, the customer is re-sequenced: its queue follows its merged
    receivables.
    """

    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        self._collection_merge(src_partners, dst_partner)
        return super()._update_foreign_keys(src_partners, dst_partner)

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].browse(partner_ids).exists()
        result = super()._merge(
            partner_ids, dst_partner=dst_partner, extra_checks=extra_checks
        )
        kept = partners.exists()
        if len(partners) > 1 and len(kept) == 1:
            customer = kept.commercial_partner_id
            if customer != kept:
                # The contact kept belongs to a company, now that its values
                # are merged: the collection records are the company's.
                self._collection_merge(kept, customer)
            self._collection_refresh_merged(customer)
        return result

    # ------------------------------------------------------------------
    # The records of the merged contacts go to the one kept
    # ------------------------------------------------------------------

    def _collection_merge(self, partners, customer):
        """Move the collection records of ``partners`` to ``customer``, leaving
        one open entry and one open promise per company."""
        merged = self._collection_owners(partners - customer)
        if not merged:
            return
        Queue = self.env["collection.queue"].sudo()
        Promise = self.env["collection.promise"].sudo()
        customers = merged | customer
        entries = Queue.search(
            [("partner_id", "in", customers.ids), ("state", "=", "open")]
        )
        open_promises = Promise.search(
            [("partner_id", "in", customers.ids), ("state", "=", promises.OPEN)]
        )
        entries._lock_for_update()
        open_promises._lock_for_update()
        owner_of = {entry: entry.partner_id for entry in entries}
        staying, ended = self._collection_settle_entries(entries, customer)
        cancelled = self._collection_settle_promises(open_promises, staying)
        self._collection_move_records(merged, customer)
        self._collection_log_merge(customer, staying, ended, owner_of, cancelled)
        Queue._invalidate_partner_views()

    def _collection_owners(self, partners):
        """The partners that have collection records."""
        owner_ids = set()
        for model_name in CUSTOMER_MODELS:
            groups = (
                self.env[model_name]
                .sudo()
                .with_context(active_test=False)
                ._read_group([("partner_id", "in", partners.ids)], ["partner_id"])
            )
            owner_ids.update(partner.id for (partner,) in groups)
        return partners.filtered(lambda partner: partner.id in owner_ids)

    def _collection_settle_entries(self, entries, customer):
        """Per company, the open entry that stays; the others end.

        :return: ({company: entry staying}, {entry staying: entries ended})
        """
        now = fields.Datetime.now()
        staying, ended = {}, {}
        for company, company_entries in entries.grouped("company_id").items():
            kept = min(
                company_entries,
                key=lambda entry: (
                    not (entry.is_manual and not entry.profile_id.auto_sequence),
                    entry.partner_id != customer,
                    entry.date_start,
                    entry.id,
                ),
            )
            staying[company] = kept
            ending = company_entries - kept
            if not ending:
                continue
            ending._close(
                self.env._(
                    "Merged into %(customer)s; the customer stays in %(queue)s",
                    customer=customer.display_name,
                    queue=kept.profile_id.name,
                ),
                now,
                "moved",
            )
            ended[kept] = ending
            # The follow-ups go on with the entry that stays.
            entries._carry_todos({entry.id: kept.id for entry in ending})
            followups = [date for date in ending.mapped("next_followup_date") if date]
            if followups and not kept.next_followup_date:
                kept.with_context(collection_followup_scheduled=True).write(
                    {"next_followup_date": min(followups)}
                )
        return staying, ended

    def _collection_settle_promises(self, open_promises, staying):
        """Per company, the newest open promise stands, on the entry that stays;
        the others are cancelled.

        :return: {promise standing: promises cancelled}
        """
        today = fields.Date.context_today(self)
        cancelled = {}
        carried = {}
        for company, company_promises in open_promises.grouped("company_id").items():
            standing = company_promises.sorted(
                lambda promise: (promise.create_date, promise.id)
            )[-1]
            others = company_promises - standing
            if others:
                others.write({"state": promises.CANCELLED, "date_evaluated": today})
                others.flush_recordset(["state"])
                cancelled[standing] = others
            entry = staying.get(company)
            if entry and standing.queue_id != entry:
                carried[standing.id] = (entry.id, entry.profile_id.id)
            if entry and entry.promise_id != standing:
                entry.write({"promise_id": standing.id})
        if carried:
            sql.bulk_update(open_promises, ("queue_id", "profile_id"), carried)
            open_promises.invalidate_recordset(["queue_id", "profile_id"])
        return cancelled

    def _collection_move_records(self, merged, customer):
        """Give the merged partners' collection records to the customer. A
        partner placed or promising meanwhile in a concurrent transaction is a
        conflict that Odoo retries, never a row deleted."""
        self.env.flush_all()
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                for model_name in CUSTOMER_MODELS:
                    cr.execute(
                        SQL(
                            "UPDATE %s SET partner_id = %s WHERE partner_id = ANY(%s)",
                            SQL.identifier(self.env[model_name]._table),
                            customer.id,
                            merged.ids,
                        ),
                        log_exceptions=False,
                    )
        except psycopg2.errors.ExclusionViolation:
            self.env["collection.queue"]._raise_concurrent_update(
                "a merged customer entered a queue or promised to pay meanwhile"
            )
        for model_name in CUSTOMER_MODELS:
            self.env[model_name].invalidate_model(["partner_id"])

    def _collection_log_merge(self, customer, staying, ended, owner_of, cancelled):
        """History lines on the entries that stay: what became of the others,
        and of the promises cancelled."""
        Queue = self.env["collection.queue"].sudo()
        lines = []
        for entry in staying.values():
            row = Queue._row_of(entry)
            for other in ended.get(entry, ()):
                start = fields.Datetime.context_timestamp(self, other.date_start)
                text = self.env._(
                    "Contacts merged into %(customer)s: the stay of %(partner)s in "
                    "%(queue)s, open since %(date)s, ended; the customer stays in "
                    "%(kept_queue)s.",
                    customer=customer.display_name,
                    partner=owner_of[other].display_name,
                    queue=other.profile_id.name,
                    date=format_date(self.env, start.date()),
                    kept_queue=entry.profile_id.name,
                )
                lines.append(
                    {
                        "code": "note",
                        "row": row,
                        "queue_id": entry.id,
                        "note": plain_html(text),
                    }
                )
            if entry not in ended and owner_of[entry] != customer:
                text = self.env._(
                    "Contacts merged into %(customer)s: this stay of %(partner)s "
                    "goes on as the customer's.",
                    customer=customer.display_name,
                    partner=owner_of[entry].display_name,
                )
                lines.append(
                    {
                        "code": "note",
                        "row": row,
                        "queue_id": entry.id,
                        "note": plain_html(text),
                    }
                )
        for standing, others in cancelled.items():
            descriptions = (standing | others)._describe_all()
            entry = staying.get(standing.company_id) or standing.queue_id
            row = (
                Queue._row_of(entry)
                if entry
                else {
                    "partner_id": customer.id,
                    "company_id": standing.company_id.id,
                    "profile_id": standing.profile_id.id,
                    "status_id": False,
                }
            )
            for promise in others:
                text = self.env._(
                    "%(promise)s: cancelled, the contacts were merged into "
                    "%(customer)s, whose newer promise stands (%(standing)s).",
                    promise=descriptions[promise],
                    customer=customer.display_name,
                    standing=descriptions[standing],
                )
                lines.append(
                    {
                        "code": "promise",
                        "row": row,
                        "queue_id": entry.id,
                        "note": plain_html(text),
                    }
                )
        self.env["collection.activity"]._record(lines, user=self.env.user)

    # ------------------------------------------------------------------
    # Once merged
    # ------------------------------------------------------------------

    def _collection_refresh_merged(self, customer):
        """Judge the customer's promise and re-sequence it in every company, as
        the refresh job does: its receivables are now those of every contact
        merged. A company being refreshed meanwhile gets it within minutes."""
        companies = self.env["res.company"].sudo().search([])
        self.env["collection.promise"].sudo()._evaluate(customer)
        result = (
            self.env["collection.sequencer"]
            .sudo()
            .with_context(allowed_company_ids=companies.ids)
            ._refresh(companies, partners=customer)
        )
        if result["skipped_companies"]:
            self.env["collection.refresh.request"].sudo()._enqueue(customer, force=True)
