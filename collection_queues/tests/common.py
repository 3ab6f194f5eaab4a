# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form, new_test_user
from odoo.tools import SQL

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# Every scenario counts days from this refresh date, so windows are exact; it is
# the real today, as refreshes more than a year away are refused.
TODAY = fields.Date.today()


# The fields the banner widget reads (its fieldDependencies).
BANNER_WIDGET_FIELDS = (
    "in_collections",
    "collection_status_id",
    "collection_queue_name",
    "collection_collector_id",
    "collection_promise_summary",
    "collection_dispute_summary",
    "collection_banner_severity",
)


class BannerForm(Form):
    """A form as the web client runs it: the arch only names the banner widget,
    the client adds the fields the widget declares to every onchange."""

    def _process_view(self, tree, model, level=2):
        view = super()._process_view(tree, model, level)
        if tree.xpath("//widget[@name='collection_banner']"):
            for name, info in model.fields_get(list(BANNER_WIDGET_FIELDS)).items():
                view["fields"].setdefault(name, info)
                view["fields_spec"].setdefault(name, {})
        return view


def days_ago(days):
    return TODAY - timedelta(days=days)


def real_days_ago(days):
    """For what runs as of the real today (closing a profile, the scheduler)."""
    return fields.Date.today() - timedelta(days=days)


class CollectionCase(AccountTestInvoicingCommon):
    """Real accounting in a company of its own (the demo company is never touched):
    customers, invoices, payments and credit notes made with Odoo's accounting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The accounting manager the tests run as also manages collections (no
        # group implies it).
        cls.env.user.sudo().groups_id |= cls.env.ref(
            "collection_queues.group_collection_manager"
        )
        cls.company = cls.env.company
        cls.Profile = cls.env["collection.profile"]
        cls.Queue = cls.env["collection.queue"]
        cls.Activity = cls.env["collection.activity"]
        cls.status_late = cls.env["collection.status"].create({"name": "Late"})
        cls.status_call = cls.env["collection.status"].create(
            {"name": "Call accounting first"}
        )
        cls.status_hold = cls.env["collection.status"].create(
            {"name": "Do not dispatch"}
        )
        cls.type_call = cls.env["collection.activity.type"].create(
            {"name": "Phone call", "code": "test_phone_call"}
        )
        cls.revenue_account = cls.company_data["default_account_revenue"]

    # ------------------------------------------------------------------
    # Configuration
    # ------------------------------------------------------------------

    @classmethod
    def make_profile(cls, name, sequence=0, days=(1, 0), minimum=0.0, **values):
        """A sequenced profile when ``sequence`` is given, else a manual one."""
        return cls.Profile.create(
            {
                "name": name,
                "auto_sequence": bool(sequence),
                "sequence_number": sequence,
                "days_past_due_min": days[0],
                "days_past_due_max": days[1],
                "min_amount_past_due": minimum,
                "company_id": values.pop("company", cls.env.company).id,
                **values,
            }
        )

    @classmethod
    def make_standard_profiles(cls):
        """Four sequenced windows, the most delinquent numbered highest."""
        cls.p_1_30 = cls.make_profile(
            "1-30", 10, (1, 30), 100, initial_status_id=cls.status_late.id
        )
        cls.p_31_60 = cls.make_profile(
            "31-60", 20, (31, 60), 100, initial_status_id=cls.status_late.id
        )
        cls.p_61_90 = cls.make_profile(
            "61-90", 30, (61, 90), 500, initial_status_id=cls.status_call.id
        )
        cls.p_91 = cls.make_profile(
            "91+", 40, (91, 0), 500, initial_status_id=cls.status_hold.id
        )
        cls.p_legal = cls.make_profile("Legal", initial_status_id=cls.status_hold.id)
        cls.p_watch = cls.make_profile("New customer watch")

    @classmethod
    def make_customer(cls, name, is_company=True, **values):
        return cls.env["res.partner"].create(
            {"name": name, "is_company": is_company, **values}
        )

    @classmethod
    def make_user(cls, login, groups, **values):
        """A user of the test company with ``groups`` (comma-separated xml ids)."""
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
            **values,
        )

    @classmethod
    def make_branch(cls, name, parent=None):
        parent = parent or cls.env.company
        branch = cls.env["res.company"].create({"name": name, "parent_id": parent.id})
        cls.env.cr.precommit.run()  # the branch gets its parent's chart
        cls.env.user.company_ids |= branch
        return branch

    # ------------------------------------------------------------------
    # Accounting
    # ------------------------------------------------------------------

    @classmethod
    def make_invoice(
        cls,
        partner,
        amount,
        due=None,
        move_type="out_invoice",
        company=None,
        payment_term=None,
        post=True,
        invoice_date=None,
    ):
        """A customer invoice of ``amount`` (no taxes) due on ``due``."""
        company = company or cls.env.company
        values = {
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": invoice_date or due or days_ago(120),
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Service",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        if payment_term:
            values["invoice_payment_term_id"] = payment_term.id
        elif due:
            values["invoice_date_due"] = due
        move = cls.env["account.move"].with_company(company).create(values)
        if post:
            move.action_post()
        return move

    @classmethod
    def pay(cls, invoices, amount=None, payment_date=None):
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create(
                {
                    "payment_date": payment_date or TODAY,
                    **({"amount": amount} if amount is not None else {}),
                }
            )
        )
        return wizard._create_payments()

    @classmethod
    def reverse(cls, invoice):
        """A full credit note, posted and reconciled with the invoice."""
        return invoice._reverse_moves(
            [{"date": TODAY, "invoice_date": TODAY}], cancel=True
        )

    @classmethod
    def payment_term(cls, *instalments):
        """A payment term of (percent, days) instalments."""
        return cls.env["account.payment.term"].create(
            {
                "name": "Instalments",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": percent, "nb_days": days}
                    )
                    for percent, days in instalments
                ],
            }
        )

    # ------------------------------------------------------------------
    # Collections
    # ------------------------------------------------------------------

    def refresh(self, partners=None, on=TODAY, dry_run=False):
        return self.Profile.refresh_queues(partners=partners, date=on, dry_run=dry_run)

    def entry(self, partner, company=None):
        """The customer's open entry (or an empty recordset)."""
        return self.Queue.search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("company_id", "=", (company or self.env.company).id),
                ("state", "=", "open"),
            ]
        )

    def history(self, partner, code=None):
        domain = [("partner_id", "=", partner.id)]
        if code:
            domain.append(("activity_type_id.code", "=", code))
        return self.Activity.with_context(active_test=False).search(domain)

    @contextmanager
    def assertRefused(self, exception, pattern=""):
        """The operation raises ``exception`` with a message matching ``pattern``,
        and what it did before is rolled back."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)

    def row_versions(self, model_name, domain=()):
        """{id: (physical row version, write_date)} of the records matching
        ``domain`` (archived ones included): any UPDATE of a row, even one writing
        the same values, gives it a new physical version."""
        self.env.flush_all()
        Model = self.env[model_name].sudo().with_context(active_test=False)
        ids = Model.search(list(domain)).ids
        self.env.cr.execute(
            SQL(
                "SELECT id, ctid::text, write_date FROM %s WHERE id = ANY(%s)",
                SQL.identifier(Model._table),
                ids,
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    @staticmethod
    def changes_by_partner(result):
        """The planned changes of a dry run, {partner id: [change]}."""
        by_partner = {}
        for change in result["changes"]:
            by_partner.setdefault(change["partner_id"], []).append(change)
        return by_partner

    def assertCounts(self, result, added=0, moved=0, removed=0, unchanged=0):
        self.assertEqual(
            (result["added"], result["moved"], result["removed"], result["unchanged"]),
            (added, moved, removed, unchanged),
        )

    @staticmethod
    def now():
        return fields.Datetime.now()
