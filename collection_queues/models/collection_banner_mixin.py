# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

# The fields of the banner, computed from the customer's open entry.
BANNER_FIELDS = (
    "collection_queue_id",
    "collection_profile_id",
    "collection_queue_name",
    "collection_status_id",
    "collection_collector_id",
    "in_collections",
    "collection_promise_summary",
    "collection_queue_sequenced",
    "collection_dispute_summary",
    "collection_banner_severity",
)


class CollectionBannerMixin(models.AbstractModel):
    """The collection situation of the customer a record belongs to (a partner,
    an invoice, a sales order), for the red banner of its form.

    Computed as the superuser from the customer's open queue entry: every internal
    user sees the status, queue name and collector; the entry and profile
    themselves only collections users.
    """

    _name = "collection.banner.mixin"
    _description = "Collection Banner"

    collection_queue_id = fields.Many2one(
        "collection.queue",
        string="Collection Queue Entry",
        compute="_compute_collection_banner",
        groups="collection_queues.group_collection_user",
    )
    collection_profile_id = fields.Many2one(
        "collection.profile",
        string="Collection Queue",
        compute="_compute_collection_banner",
        groups="collection_queues.group_collection_user",
    )
    # The banner: every internal user, nobody else (portal and public users
    # learn nothing of collections, not even about themselves).
    collection_queue_name = fields.Char(
        string="In Queue",
        compute="_compute_collection_banner",
        groups="base.group_user",
    )
    collection_status_id = fields.Many2one(
        "collection.status",
        string="Collection Status",
        compute="_compute_collection_banner",
        groups="base.group_user",
    )
    collection_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        compute="_compute_collection_banner",
        groups="base.group_user",
    )
    in_collections = fields.Boolean(
        compute="_compute_collection_banner", groups="base.group_user"
    )
    collection_promise_summary = fields.Char(
        string="Promise to Pay",
        compute="_compute_collection_banner",
        groups="base.group_user",
        help="The customer's open promise to pay.",
    )
    collection_queue_sequenced = fields.Boolean(
        string="In a Sequenced Queue",
        compute="_compute_collection_banner",
        groups="collection_queues.group_collection_user",
        help="The customer's queue fills and empties by its rules: users move "
        "customers out of it, never remove them.",
    )

    collection_banner_severity = fields.Char(
        string="Banner Colour",
        compute="_compute_collection_banner",
        groups="base.group_user",
        help="danger, warning or info: the severity of the customer's status "
        "(danger without a status).",
    )
    collection_dispute_summary = fields.Char(
        string="Invoices in Dispute",
        compute="_compute_collection_banner",
        groups="base.group_user",
        help="The customer's invoices in open dispute, not chased meanwhile.",
    )

    def _collection_customer(self):
        """(commercial partner, company) whose situation the record shows; an
        empty partner when none applies."""
        raise NotImplementedError

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._collection_check_banner_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._collection_check_banner_values(vals)
        return super().write(vals)

    @api.model
    def _collection_check_banner_values(self, vals):
        """The banner follows the customer's queue entry: it is not written, and
        saying so beats ignoring the values."""
        written = sorted(set(vals).intersection(BANNER_FIELDS))
        if written:
            raise UserError(
                self.env._(
                    "%(fields)s follow the customer's collection queue entry and "
                    "cannot be written: use the collection actions (Put in Queue, "
                    "Change Status...) instead.",
                    fields=", ".join(
                        self._fields[name].get_description(self.env)["string"]
                        for name in written
                    ),
                )
            )

    @api.model
    def _collection_customer_fields(self):
        """The fields ``_collection_customer`` reads: the banner follows them on
        a form being edited, before the record is saved."""
        return []

    @api.depends(lambda self: self._collection_customer_fields())
    @api.depends_context("company", "uid")
    def _compute_collection_banner(self):
        customers = {record: record._collection_customer() for record in self}
        entries = {}  # company -> {partner id: entry}
        for company in {company for partner, company in customers.values() if partner}:
            partners = self.env["res.partner"].union(
                *(partner for partner, c in customers.values() if c == company)
            )
            entries[company] = self.env["collection.queue"]._current_entries(
                partners, company
            )
        # The disputes counted as the entry shown counts them: in the entry's
        # company and its branches (a branch's record shows its parent's entry).
        Dispute = self.env["collection.dispute"]
        customers_of = defaultdict(set)
        for found in entries.values():
            for entry in found.values():
                customers_of[entry.company_id].add(entry.partner_id.id)
        disputes = {
            company: Dispute._open_counts(
                self.env["res.partner"].browse(sorted(ids)), company
            )
            for company, ids in customers_of.items()
        }
        empty = self.env["collection.queue"]
        # The entry and queue themselves only for who may open them (a collector
        # not allowed on a queue sees the banner, not a link to an access error).
        readable = empty.union(
            *(entry for found in entries.values() for entry in found.values())
        )
        if not self.env.su:
            readable = readable.with_env(self.env)._filtered_access("read")
        for record, (partner, company) in customers.items():
            entry = (
                entries.get(company, {}).get(partner.id, empty) if partner else empty
            )
            shown = entry if entry in readable else empty
            record.collection_queue_id = shown
            record.collection_profile_id = shown.profile_id
            record.collection_queue_name = entry.profile_id.name
            record.collection_status_id = entry.status_id
            record.collection_banner_severity = (
                (entry.status_id.severity or "danger") if entry else False
            )
            record.collection_collector_id = entry.collector_id
            record.in_collections = bool(entry)
            record.collection_queue_sequenced = entry.profile_id.auto_sequence
            promise = entry.promise_id
            record.collection_promise_summary = (
                promise._describe() if promise.state == "open" else False
            )
            record.collection_dispute_summary = Dispute._count_text(
                disputes.get(entry.company_id, {}).get(entry.partner_id.id, 0)
            )

    @api.model
    def _collection_invalidate_banners(self):
        """Forget the computed banners of every model showing one: they follow
        the open entries, which just changed."""
        for model_name in self.pool.descendants([self._name], "_inherit"):
            if model_name != self._name:
                self.env[model_name].invalidate_model(
                    [
                        name
                        for name in BANNER_FIELDS
                        if name in self.env[model_name]._fields
                    ]
                )
