# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, tagged

from ..services import kpis
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
        self.assertEqual(
            kpis.dso_countback(5000, [600, 100], date(2026, 9, 30)),
            61,
            "every month counted when sales do not cover the receivables",
        )

    def test_cei_best_dso_and_share(self):
        self.assertAlmostEqual(kpis.cei(800, 1600, 1500, 600), 50.0)
        self.assertIsNone(kpis.cei(0, 0, 0, 0))
        self.assertAlmostEqual(kpis.best_possible_dso(600, 1600, 92), 34.5)
        self.assertEqual(kpis.best_possible_dso(600, 0, 92), 0.0)
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
