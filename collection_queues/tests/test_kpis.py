# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random
from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, tagged

from ..tools import kpis
from .common import CollectionCase

COLLECTION_USER = "collection_queues.group_collection_user"
COLLECTION_MANAGER = "collection_queues.group_collection_manager"


@tagged("post_install", "-at_install", "collection_queues_pure")
class TestKpiFormulas(BaseCase):
    def test_countback_months_are_contiguous(self):
        months = kpis.countback_months(date(2026, 3, 30), 3)
        self.assertEqual(
            months,
            [
                (date(2026, 3, 1), date(2026, 3, 30)),
                (date(2026, 1, 31), date(2026, 2, 28)),
                (date(2025, 12, 31), date(2026, 1, 30)),
            ],
        )

    def test_countback_months_of_a_month_end_are_calendar_months(self):
        self.assertEqual(
            kpis.countback_months(date(2026, 9, 30), 3),
            [
                (date(2026, 9, 1), date(2026, 9, 30)),
                (date(2026, 8, 1), date(2026, 8, 31)),
                (date(2026, 7, 1), date(2026, 7, 31)),
            ],
        )

    def test_dso_countback(self):
        # 1,500 owed on Sep 30: September's 600 (30 days), August without sales
        # (31 days), then 900 of July's 1,000 (31 days).
        self.assertAlmostEqual(
            kpis.dso_countback(1500, [600, 0, 1000], date(2026, 9, 30)),
            30 + 31 + 0.9 * 31,
        )
        self.assertEqual(kpis.dso_countback(0, [600], date(2026, 9, 30)), 0.0)
        self.assertIsNone(
            kpis.dso_countback(5000, [600, 100], date(2026, 9, 30)),
            "no value when the months' sales do not cover the receivables",
        )
        self.assertAlmostEqual(
            kpis.dso_countback(700, [600, 100], date(2026, 9, 30)), 61
        )

    def indexes(self, begin, end, current, sales, monthly=None):
        """The indexes of a 92-day quarter ending on September 30, 2026;
        ``monthly`` defaults to the quarter's sales in September."""
        if monthly is None:
            monthly = [sales] + [0.0] * (kpis.COUNTBACK_MONTHS - 1)
        return kpis.indexes(begin, end, current, sales, monthly, date(2026, 9, 30), 92)

    def test_indexes_of_ordinary_books(self):
        values, reasons = self.indexes(800, 1500, 600, 1600, [600, 0, 1000])
        self.assertEqual(
            values,
            {
                "dso": 88.9,  # 30 + 31 + 900 / 1000 * 31
                "best_possible_dso": 34.5,  # 600 / 1600 * 92
                "average_days_delinquent": 54.4,
                "cei": 50.0,  # (800 + 1600 - 1500) / (800 + 1600 - 600)
            },
        )
        self.assertEqual(reasons, {})

    def test_indexes_of_books_that_owe_nothing(self):
        values, reasons = self.indexes(0, 0, 0, 1000)
        self.assertEqual(
            values,
            {"dso": 0.0, "best_possible_dso": 0.0, "average_days_delinquent": 0.0,
             "cei": 100.0},
        )  # fmt: skip
        self.assertEqual(reasons, {})

    def test_negative_receivables(self):
        # An unapplied payment of 1,500 on an invoice of 1,000, overdue.
        values, reasons = self.indexes(0, -500, 0, 1000)
        self.assertEqual(values, dict.fromkeys(values))
        self.assertEqual(
            reasons,
            {"dso": kpis.NEGATIVE_RECEIVABLES,
             "best_possible_dso": kpis.NEGATIVE_RECEIVABLES,
             "average_days_delinquent": kpis.NEGATIVE_RECEIVABLES,
             "cei": kpis.NEGATIVE_OVERDUE},
        )  # fmt: skip

    def test_receivables_the_countback_does_not_cover(self):
        values, reasons = self.indexes(1000, 1000, 0, 0, [0.0] * 24)
        self.assertIsNone(values["dso"])
        self.assertEqual(reasons["dso"], kpis.UNCOVERED_RECEIVABLES)
        self.assertEqual(reasons["average_days_delinquent"], kpis.UNCOVERED_RECEIVABLES)
        self.assertEqual(values["cei"], 0.0, "1,000 collectible, nothing collected")

    def test_no_sales_and_credit_notes_exceeding_sales(self):
        # 1,000 invoiced in June; in the quarter, 300 paid and no sales, or a
        # credit note of 400 in August and nothing paid.
        for sales, end, cei, dso, reason in [
            (0, 700, 30.0, 92 + 21, kpis.NO_SALES),
            (-400, 600, 0.0, 92 + 18, kpis.NEGATIVE_SALES),
        ]:
            with self.subTest(sales=sales):
                monthly = [0.0, sales, 0.0, 1000.0] + [0.0] * 20
                values, reasons = self.indexes(1000, end, 0, sales, monthly)
                self.assertEqual(
                    values,
                    {"dso": dso, "best_possible_dso": None,
                     "average_days_delinquent": None, "cei": cei},
                )  # fmt: skip
                self.assertEqual(
                    reasons,
                    {"best_possible_dso": reason, "average_days_delinquent": reason},
                )

    def test_negative_current_receivables(self):
        # 1,000 not due, an unapplied payment of 1,500 on the last day, 2,000
        # overdue.
        values, reasons = self.indexes(0, 1500, -500, 3000, [1000, 2000])
        self.assertEqual(values["dso"], 37.8, "30 + 500 / 2000 * 31")
        self.assertEqual(
            (values["best_possible_dso"], values["average_days_delinquent"],
             values["cei"]),
            (None, None, None),
        )  # fmt: skip
        self.assertEqual(
            reasons,
            {"best_possible_dso": kpis.NEGATIVE_CURRENT,
             "average_days_delinquent": kpis.NEGATIVE_CURRENT,
             "cei": kpis.NEGATIVE_CURRENT},
        )  # fmt: skip

    def test_negative_overdue_receivables(self):
        # 1,000 not due, an unapplied payment of 400 ten days before the end.
        values, reasons = self.indexes(0, 600, 1000, 1000)
        self.assertEqual(values["dso"], 18.0, "600 / 1000 * 30")
        self.assertEqual(values["best_possible_dso"], 18.0, "92, capped at the DSO")
        self.assertEqual(
            reasons,
            {"average_days_delinquent": kpis.NEGATIVE_OVERDUE,
             "cei": kpis.NEGATIVE_OVERDUE},
        )  # fmt: skip

    def test_nothing_collectible_and_receivables_growing(self):
        values, reasons = self.indexes(0, 0, 0, 0)
        self.assertEqual(values["dso"], 0.0)
        self.assertEqual(
            reasons,
            {"best_possible_dso": kpis.NO_SALES,
             "average_days_delinquent": kpis.NO_SALES,
             "cei": kpis.NOTHING_COLLECTIBLE},
        )  # fmt: skip
        # 200 refunded to a customer: collected would be 1,500 - 1,700.
        values, reasons = self.indexes(0, 1700, 1000, 1500, [1500, 500])
        self.assertIsNone(values["cei"])
        self.assertEqual(reasons, {"cei": kpis.RECEIVABLES_GREW})
        self.assertEqual(values["dso"], 42.4, "30 + 200 / 500 * 31")
        self.assertEqual(values["best_possible_dso"], 42.4, "61.3, capped")
        self.assertEqual(values["average_days_delinquent"], 0.0)

    def test_amounts_within_the_precision_count_as_nil(self):
        values, reasons = self.indexes(0, -0.001, -0.002, 0.002)
        self.assertEqual(values["dso"], 0.0)
        self.assertEqual(
            reasons,
            {"best_possible_dso": kpis.NO_SALES,
             "average_days_delinquent": kpis.NO_SALES,
             "cei": kpis.NOTHING_COLLECTIBLE},
        )  # fmt: skip

    def test_indexes_stay_within_their_bounds_on_any_books(self):
        rng = random.Random(20261203)
        for _book in range(3000):
            amount = lambda: round(rng.uniform(-5000, 5000), 2)  # noqa: E731
            begin, end, current, sales = amount(), amount(), amount(), amount()
            monthly = [amount() for _month in range(kpis.COUNTBACK_MONTHS)]
            values, reasons = self.indexes(begin, end, current, sales, monthly)
            with self.subTest(book=(begin, end, current, sales, monthly)):
                self.assertEqual(
                    {key for key, value in values.items() if value is None},
                    set(reasons),
                    "a reason for each KPI without a value, none for the others",
                )
                dso = values["dso"]
                if dso is not None:
                    self.assertGreaterEqual(dso, 0)
                for key in ("best_possible_dso", "average_days_delinquent"):
                    if values[key] is not None:
                        self.assertTrue(0 <= values[key] <= dso, key)
                if values["average_days_delinquent"] is not None:
                    self.assertAlmostEqual(
                        values["best_possible_dso"] + values["average_days_delinquent"],
                        dso,
                    )
                if values["cei"] is not None:
                    self.assertTrue(0 <= values["cei"] <= 100)

    def test_share(self):
        self.assertAlmostEqual(kpis.share(400, 600), 66.666666, places=4)
        self.assertIsNone(kpis.share(400, 0))


@tagged("post_install", "-at_install")
class TestKpis(CollectionCase):
    """The KPIs of a small book, computed by hand from its journal items.

    Period: July 1 to September 30, 2026 (92 days).
    - Acme: invoice of 500 (June 15, due July 15), paid August 10.
    - Bolt: invoice of 1,000 (July 10, due August 9), 400 paid September 5; in a
      queue since September 1.
    - Cobalt: invoice of 800 (September 20, due October 20), a credit note of 200
      applied on September 25.
    - Delta: invoice of 300 (May 1, due May 31), paid October 5, after the period.
    """

    FROM, TO = date(2026, 7, 1), date(2026, 9, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_standard_profiles()
        cls.acme = cls.make_customer("Acme Plumbing")
        cls.bolt = cls.make_customer("Bolt Electric")
        cls.cobalt = cls.make_customer("Cobalt Roofing")
        cls.delta = cls.make_customer("Delta Dental")

        def invoice(partner, amount, day, due, move_type="out_invoice"):
            return cls.make_invoice(
                partner, amount, due=due, invoice_date=day, move_type=move_type
            )

        acme = invoice(cls.acme, 500, date(2026, 6, 15), date(2026, 7, 15))
        cls.pay(acme, payment_date=date(2026, 8, 10))
        bolt = invoice(cls.bolt, 1000, date(2026, 7, 10), date(2026, 8, 9))
        cls.pay(bolt, amount=400, payment_date=date(2026, 9, 5))
        cobalt = invoice(cls.cobalt, 800, date(2026, 9, 20), date(2026, 10, 20))
        refund = invoice(
            cls.cobalt, 200, date(2026, 9, 25), date(2026, 9, 25), "out_refund"
        )
        (cobalt | refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        delta = invoice(cls.delta, 300, date(2026, 5, 1), date(2026, 5, 31))
        cls.pay(delta, payment_date=date(2026, 10, 5))
        cls.Profile.refresh_queues(partners=cls.bolt)
        cls.bolt_entry = cls.Queue.search(
            [("partner_id", "=", cls.bolt.id), ("state", "=", "open")]
        )
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE collection_queue SET date_start = '2026-09-01 09:00' WHERE id = %s",
            [cls.bolt_entry.id],
        )
        cls.env.invalidate_all()

    def kpis(self, **kwargs):
        return self.env["collection.kpi"].get_kpis(self.FROM, self.TO, **kwargs)

    def test_receivables_sales_and_indexes(self):
        result = self.kpis()
        self.assertEqual(result["date_from"], "2026-07-01")
        self.assertEqual(result["days"], 92)
        self.assertEqual(result["receivable_begin"], 800.0, "Acme 500 + Delta 300")
        self.assertEqual(result["credit_sales"], 1600.0, "1,000 + 800 - 200")
        self.assertEqual(
            result["receivable_end"], 1500.0, "Bolt 600, Cobalt 600, Delta 300"
        )
        self.assertEqual(result["receivable_end_current"], 600.0, "Cobalt")
        self.assertEqual(
            result["cei"], 50.0, "(800 + 1600 - 1500) / (800 + 1600 - 600)"
        )
        self.assertEqual(result["dso"], 88.9, "30 + 31 + 900 / 1000 * 31")
        self.assertEqual(result["best_possible_dso"], 34.5, "600 / 1600 * 92")
        self.assertEqual(result["average_days_delinquent"], 54.4)
        self.assertEqual(
            result["not_meaningful"],
            {
                "promise_kept_rate": "No promise was judged in the period.",
                "dispute_days_to_close": "No dispute was closed in the period.",
                "dispute_accepted_share": "No dispute was closed in the period.",
            },
        )

    def test_receivables_by_queue_and_age(self):
        rows = {row["profile_id"]: row for row in self.kpis()["receivables_by_queue"]}
        self.assertEqual(set(rows), {self.bolt_entry.profile_id.id, False})
        self.assertEqual(
            {key: rows[self.bolt_entry.profile_id.id][key] for key in rows[False]
             if key not in ("profile_id", "queue")},
            {"balance": 600.0, "not_due": 0.0, "days_1_30": 0.0, "days_31_60": 600.0,
             "days_61_90": 0.0, "days_91": 0.0},
        )  # fmt: skip
        outside = rows[False]
        self.assertEqual(outside["queue"], "Not in collections")
        self.assertEqual(
            (outside["not_due"], outside["days_91"], outside["balance"]),
            (600.0, 300.0, 900.0),
        )

    def test_collected_while_in_collections(self):
        result = self.kpis()
        self.assertEqual(result["collected_total"], 400.0, "Bolt's September payment")
        (row,) = result["collected"]
        self.assertEqual(row["profile_id"], self.bolt_entry.profile_id.id)
        self.assertEqual(row["collected"], 400.0)
        self.assertEqual(row["due_at_placement"], 600.0)
        self.assertEqual(row["share"], 66.7)
        (payment,) = self.env["collection.collected.report"].search(
            [("partner_id", "=", self.bolt.id)]
        )
        self.assertEqual(
            (payment.queue_id, payment.date, payment.amount),
            (self.bolt_entry, date(2026, 9, 5), 400.0),
        )
        stay = self.env["collection.stay.report"].browse(self.bolt_entry.id)
        self.assertEqual(
            (stay.outcome, stay.amount_due_placed, stay.amount_collected),
            ("open", 600.0, 400.0),
        )

    def test_promise_kept_rate(self):
        self.assertIs(self.kpis()["promise_kept_rate"], False, "none judged")
        promise_ids = self.bolt.collection_promise(100.0, self.TO.today())
        promise_ids += self.bolt.collection_promise(50.0, self.TO.today())
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE collection_promise SET state = CASE WHEN id = %s THEN 'kept' "
            "ELSE 'broken' END, date_evaluated = '2026-09-15' WHERE id = ANY(%s)",
            [promise_ids[0], promise_ids],
        )
        result = self.kpis()
        self.assertEqual(
            (result["promises_judged"], result["promise_kept_rate"]), (2, 50.0)
        )
        self.assertNotIn("promise_kept_rate", result["not_meaningful"])

    def test_plain_data_and_clear_refusals(self):
        result = self.env["collection.kpi"].get_kpis("2026-07-01", "2026-09-30")
        self.assertEqual(result["receivable_end"], 1500.0)
        for args, message in [
            (("2026-09-30", "2026-07-01"), "ends before it starts"),
            (("2020-01-01", "2026-07-01"), "longer than two years"),
            (("July", "2026-07-01"), "not a date"),
        ]:
            with self.subTest(args=args), self.assertRaisesRegex(UserError, message):
                self.env["collection.kpi"].get_kpis(*args)
        collector = self.make_user("cq_kpi_collector", COLLECTION_USER)
        with self.assertRaises(AccessError):
            self.env["collection.kpi"].with_user(collector).get_kpis(self.FROM, self.TO)
        other = self.env["res.company"].create({"name": "Elsewhere Inc"})
        manager = self.make_user("cq_kpi_manager", COLLECTION_MANAGER)
        with self.assertRaises(AccessError):
            self.env["collection.kpi"].with_user(manager).get_kpis(
                self.FROM, self.TO, company=other.id
            )

    def test_the_dashboard_shows_them(self):
        dashboard = self.env["collection.kpi.dashboard"].create(
            {"date_from": self.FROM, "date_to": self.TO}
        )
        self.assertEqual(dashboard.dso, 88.9)
        self.assertEqual(dashboard.cei, 50.0)
        self.assertEqual(dashboard.collected_total, 400.0)
        self.assertIn("Not in collections", dashboard.tables)
        self.assertIn("66.7", dashboard.tables)
        action = self.env["collection.kpi.dashboard"].action_open()
        opened = self.env["collection.kpi.dashboard"].browse(action["res_id"])
        self.assertEqual(opened.date_to.month % 3, 0, "the last quarter")
        self.assertEqual(action["name"], "Collection KPIs")


@tagged("post_install", "-at_install")
class TestKpisNotMeaningful(CollectionCase):
    """Books on which a KPI has no honest value: it comes as False with its
    reason, never as a number. Period: July 1 to September 30, 2025 (92 days);
    each test books its own invoices, payments and credit notes."""

    FROM, TO = date(2025, 7, 1), date(2025, 9, 30)
    INDEXES = ("dso", "best_possible_dso", "average_days_delinquent", "cei")
    NO_PROMISE = "No promise was judged in the period."
    NO_DISPUTE = "No dispute was closed in the period."

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.acme = cls.make_customer("Acme Plumbing")
        cls.bolt = cls.make_customer("Bolt Electric")

    def invoice(self, partner, amount, day, due, move_type="out_invoice"):
        return self.make_invoice(
            partner, amount, due=due, invoice_date=day, move_type=move_type
        )

    def unapplied_payment(self, partner, amount, day, payment_type="inbound"):
        """A payment from (inbound) or a refund to (outbound) the customer,
        applied to nothing."""
        payment = self.env["account.payment"].create(
            {
                "payment_type": payment_type,
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "date": day,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        self.assertFalse(payment.reconciled_invoice_ids)
        return payment

    def kpis(self):
        return self.env["collection.kpi"].get_kpis(self.FROM, self.TO)

    def assertIndexes(self, result, values, reasons):
        """``values``: the indexes shown; ``reasons``: {kpi: reason} of the
        others, which are False."""
        self.assertEqual(
            {key: result[key] for key in self.INDEXES},
            {**dict.fromkeys(reasons, False), **values},
        )
        for key in self.INDEXES:  # False, not 0.0, and no False for a 0.0
            self.assertIs(result[key] is False, key in reasons, key)
        self.assertEqual(
            result["not_meaningful"],
            {
                **reasons,
                "promise_kept_rate": self.NO_PROMISE,
                "dispute_days_to_close": self.NO_DISPUTE,
                "dispute_accepted_share": self.NO_DISPUTE,
            },
        )

    def test_an_unapplied_payment_makes_not_yet_due_negative(self):
        # Acme: 1,000 not due, 1,500 paid on the last day and applied to
        # nothing; Bolt: 2,000 overdue.
        self.invoice(self.acme, 1000, date(2025, 9, 1), date(2025, 10, 31))
        self.unapplied_payment(self.acme, 1500, date(2025, 9, 30))
        self.invoice(self.bolt, 2000, date(2025, 8, 1), date(2025, 8, 31))
        result = self.kpis()
        self.assertEqual(
            (result["receivable_end"], result["receivable_end_current"],
             result["credit_sales"]),
            (1500.0, -500.0, 3000.0),
        )  # fmt: skip
        reason = "Credits not yet due exceed the invoices not yet due."
        self.assertIndexes(
            result,
            {"dso": 37.8},  # 30 + 500 / 2000 * 31
            dict.fromkeys(("best_possible_dso", "average_days_delinquent", "cei"),
                          reason),
        )  # fmt: skip

    def test_overpaid_customers_make_the_receivables_negative(self):
        self.invoice(self.acme, 1000, date(2025, 8, 1), date(2025, 8, 31))
        self.unapplied_payment(self.acme, 1500, date(2025, 9, 10))
        result = self.kpis()
        self.assertEqual(
            (result["receivable_end"], result["receivable_end_current"]),
            (-500.0, 0.0),
        )
        negative = (
            "Customers' unapplied payments and credits exceed what they owe: the "
            "receivables are negative."
        )
        self.assertIndexes(
            result,
            {},
            {"dso": negative, "best_possible_dso": negative,
             "average_days_delinquent": negative,
             "cei": "Unapplied payments and credits exceed the overdue invoices."},
        )  # fmt: skip

    def test_unapplied_payments_exceeding_the_overdue_invoices(self):
        # 1,000 not due; 400 paid on September 10, applied to nothing.
        self.invoice(self.acme, 1000, date(2025, 9, 20), date(2025, 10, 20))
        self.unapplied_payment(self.acme, 400, date(2025, 9, 10))
        result = self.kpis()
        self.assertEqual(
            (result["receivable_end"], result["receivable_end_current"]),
            (600.0, 1000.0),
        )
        reason = "Unapplied payments and credits exceed the overdue invoices."
        self.assertIndexes(
            result,
            # 600 / 1000 * 30 days; 1000 / 1000 * 92 capped at the DSO.
            {"dso": 18.0, "best_possible_dso": 18.0},
            {"average_days_delinquent": reason, "cei": reason},
        )

    def test_credit_notes_exceeding_the_invoices_of_the_period(self):
        self.invoice(self.acme, 1000, date(2025, 6, 1), date(2025, 7, 1))
        self.invoice(self.acme, 400, date(2025, 8, 5), date(2025, 8, 5), "out_refund")
        result = self.kpis()
        self.assertEqual(
            (result["receivable_begin"], result["credit_sales"],
             result["receivable_end"], result["receivable_end_current"]),
            (1000.0, -400.0, 600.0, 0.0),
        )  # fmt: skip
        reason = "Credit notes exceed the invoices of the period."
        self.assertIndexes(
            result,
            # September, August (a credit note), July without sales, then 600 of
            # June's 1,000; 600 collectible, nothing collected.
            {"dso": 30 + 31 + 31 + 18.0, "cei": 0.0},
            {"best_possible_dso": reason, "average_days_delinquent": reason},
        )

    def test_a_period_without_sales(self):
        invoice = self.invoice(self.acme, 1000, date(2025, 6, 1), date(2025, 7, 1))
        self.pay(invoice, amount=300, payment_date=date(2025, 8, 10))
        result = self.kpis()
        self.assertEqual((result["credit_sales"], result["receivable_end"]), (0, 700))
        reason = "No credit sales in the period."
        self.assertIndexes(
            result,
            {"dso": 30 + 31 + 31 + 21.0, "cei": 30.0},
            {"best_possible_dso": reason, "average_days_delinquent": reason},
        )

    def test_empty_books(self):
        reason = "No credit sales in the period."
        self.assertIndexes(
            self.kpis(),
            {"dso": 0.0},
            {"best_possible_dso": reason, "average_days_delinquent": reason,
             "cei": "Nothing was collectible in the period."},
        )  # fmt: skip

    def test_books_settled_to_nothing(self):
        invoice = self.invoice(self.acme, 1000, date(2025, 9, 1), date(2025, 10, 31))
        self.pay(invoice, payment_date=date(2025, 9, 15))
        self.assertIndexes(
            self.kpis(),
            {"dso": 0.0, "best_possible_dso": 0.0, "average_days_delinquent": 0.0,
             "cei": 100.0},
            {},
        )  # fmt: skip

    def test_a_refund_paid_to_a_customer(self):
        # Paid before the period: June's 800. In it: 1,500 invoiced, 1,000 of it
        # not due, and 200 refunded to a customer.
        june = self.invoice(self.bolt, 800, date(2025, 6, 1), date(2025, 7, 1))
        self.pay(june, payment_date=date(2025, 6, 20))
        self.invoice(self.acme, 1000, date(2025, 9, 1), date(2025, 10, 31))
        self.invoice(self.acme, 500, date(2025, 8, 1), date(2025, 8, 31))
        self.unapplied_payment(self.acme, 200, date(2025, 9, 15), "outbound")
        result = self.kpis()
        self.assertEqual(
            (result["receivable_begin"], result["credit_sales"],
             result["receivable_end"], result["receivable_end_current"]),
            (0.0, 1500.0, 1700.0, 1000.0),
        )  # fmt: skip
        self.assertIndexes(
            result,
            # 30 + 31 + 31 + 200 / 800 * 30; 1000 / 1500 * 92.
            {"dso": 99.5, "best_possible_dso": 61.3, "average_days_delinquent": 38.2},
            {"cei": "The receivables grew by more than the credit sales (refunds "
                    "paid to customers, receivables booked outside the sales "
                    "journals)."},
        )  # fmt: skip

    def test_receivables_older_than_the_countback(self):
        self.invoice(self.acme, 1000, date(2023, 6, 1), date(2023, 7, 1))
        reason = "The credit sales of the last 24 months do not cover the receivables."
        self.assertIndexes(
            self.kpis(),
            {"cei": 0.0},
            dict.fromkeys(("dso", "best_possible_dso", "average_days_delinquent"),
                          reason),
        )  # fmt: skip

    def test_the_dashboard_says_why(self):
        self.invoice(self.acme, 1000, date(2025, 9, 1), date(2025, 10, 31))
        self.unapplied_payment(self.acme, 1500, date(2025, 9, 30))
        self.invoice(self.bolt, 2000, date(2025, 8, 1), date(2025, 8, 31))
        dashboard = self.env["collection.kpi.dashboard"].create(
            {"date_from": self.FROM, "date_to": self.TO}
        )
        self.assertEqual(dashboard.dso, 37.8)
        self.assertFalse(dashboard.dso_not_meaningful)
        self.assertFalse(dashboard.best_possible_dso)
        self.assertEqual(
            dashboard.best_possible_dso_not_meaningful,
            "Credits not yet due exceed the invoices not yet due.",
        )
        self.assertEqual(dashboard.promise_kept_rate_not_meaningful, self.NO_PROMISE)
        dashboard.date_from = dashboard.date_to + timedelta(days=1)
        self.assertFalse(dashboard.cei_not_meaningful, "no period, no KPI")
