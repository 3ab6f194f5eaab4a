"""Benchmark of the sequencing refresh on a large receivables book.

    python tools/bench.py generate --db DB --scale 1.0
    python tools/bench.py measure --db DB --phase first|steady|changed|daily|posting|screens|bulk|letters|promises|steps|disputes|kpis|jobs

``generate`` writes, directly in PostgreSQL, two companies with their customers and
open receivable items: "Bench" (100,000 customers x 10 items at scale 1) and "Bench
small" (a tenth of that), each with 6 sequenced profiles. ``measure`` runs one phase
in this process and prints one JSON line; tools/bench.sh runs every phase in a fresh
process (so peak memory is the phase's own) and prints the summary.
"""

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import odoo
from odoo import Command
from odoo.tools import SQL, split_every

ITEMS_PER_CUSTOMER = 10
CUSTOMERS_AT_SCALE_1 = 100_000
# Share of customers with items past due: about the share the first refresh places.
DELINQUENT_SHARE = 0.3
PROFILES = [
    # name, sequence number, days window, minimum amount
    ("1-30 days", 10, (1, 30), 50),
    ("31-60 days", 20, (31, 60), 50),
    ("61-90 days", 30, (61, 90), 100),
    ("91-120 days", 40, (91, 120), 100),
    ("121-180 days", 50, (121, 180), 200),
    ("Over 180 days", 60, (181, 0), 200),
]
CHANGED_CUSTOMERS = 1000
# Refreshes count from the real today (a date more than a year away is refused).
TODAY = date.today()
# Ratios are medians of this many interleaved pairs (SPEC: at least 5).
PAIRS = 5
# Invoices posted and payments reconciled per measure of the accounting overhead
# (BENCH_POSTINGS to measure fewer: each 1,000 take minutes of Odoo's own work).
POSTINGS = int(os.environ.get("BENCH_POSTINGS", 1000))
REFRESH_ON_CHANGE = "collection_queues.refresh_on_change"
POSTING_COMPANY = "Bench postings"
POSTING_PAGE = 100
# Customers of the letters' measures (SPEC: 1,000).
LETTERS = int(os.environ.get("BENCH_LETTERS", 1000))
# Open promises judged at once (SPEC: 10,000).
PROMISES = int(os.environ.get("BENCH_PROMISES", 10000))
# The automatic steps of each sequenced queue: (day, action). None e-mails, so
# that deciding and logging are measured apart from rendering letters.
STEP_PLAN = [(0, "print"), (3, "todo"), (10, "status"), (30, "print")]
# Entries' days in their queue, spread evenly (ids modulo this).
STEP_AGES = 90
# Open disputes during the steady refresh (SPEC: 10,000).
DISPUTES = int(os.environ.get("BENCH_DISPUTES", 10000))
# Step e-mails queued at once (SPEC: 1,000).
STEP_EMAILS = int(os.environ.get("BENCH_STEP_EMAILS", 1000))


def environment(db):
    odoo.tools.config.parse_config(["-c", os.environ["ODOO_CONF"], "-d", db])
    registry = odoo.modules.registry.Registry(db)
    return registry


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------


def generate(env, scale):
    companies = {
        "Bench": round(CUSTOMERS_AT_SCALE_1 * scale),
        "Bench small": round(CUSTOMERS_AT_SCALE_1 * scale / 10),
    }
    admin = env.ref("base.user_admin")
    for name, customers in companies.items():
        company = env["res.company"].create({"name": name})
        env["account.chart.template"].try_loading(
            "generic_coa", company, install_demo=False
        )
        admin.company_ids |= company
        for profile_name, sequence, (low, high), minimum in PROFILES:
            env["collection.profile"].create(
                {
                    "name": profile_name,
                    "company_id": company.id,
                    "auto_sequence": True,
                    "sequence_number": sequence,
                    "days_past_due_min": low,
                    "days_past_due_max": high,
                    "min_amount_past_due": minimum,
                }
            )
        env.flush_all()
        started = time.perf_counter()
        generate_book(env, company, customers)
        print(
            f"{name}: {customers} customers, {customers * ITEMS_PER_CUSTOMER} items "
            f"in {time.perf_counter() - started:.1f}s",
            file=sys.stderr,
        )
    env.cr.execute("ANALYZE")


def generate_postings(env):
    """Where invoices are posted and paid through the ORM, as users do: a company
    in a database of its own, without the big book, whose million items would
    only slow Odoo's own queries down, with and without the addon alike."""
    admin = env.ref("base.user_admin")
    company = env["res.company"].create({"name": POSTING_COMPANY})
    env["account.chart.template"].try_loading(
        "generic_coa", company, install_demo=False
    )
    admin.company_ids |= company
    env["res.partner"].create(
        [
            {
                "name": f"Posting customer {number}",
                "is_company": True,
                "ref": "BENCH-POST",
            }
            for number in range(POSTINGS)
        ]
    )
    env.cr.execute("ANALYZE")


def generate_book(env, company, customers):
    cr = env.cr
    receivable = env["account.account"].search(
        [("company_ids", "in", company.id), ("account_type", "=", "asset_receivable")],
        limit=1,
    )
    income = env["account.account"].search(
        [("company_ids", "in", company.id), ("account_type", "=", "income")], limit=1
    )
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "general")], limit=1
    )
    currency = company.currency_id.id
    cr.execute("SELECT setseed(0.42)")
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, complete_name, is_company, active, type,
                                     autopost_bills, ref, create_date, write_date)
            SELECT 'Customer ' || g, 'Customer ' || g, mod(g, 4) != 0, TRUE, 'contact',
                   'ask', %(ref)s, now(), now()
              FROM generate_series(1, %(customers)s) g
            """,
            ref=f"BENCH-{company.id}",
            customers=customers,
        )
    )
    cr.execute(
        SQL(
            "UPDATE res_partner SET commercial_partner_id = id WHERE ref = %s",
            f"BENCH-{company.id}",
        )
    )
    # One journal entry per customer: ITEMS_PER_CUSTOMER receivable items (some
    # customers are late, most are not; one item in 20 is an unapplied credit)
    # balanced by one income line.
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_move AS
            SELECT nextval('account_move_id_seq') AS id, partner.id AS partner_id,
                   random() < %(delinquent)s AS late
              FROM res_partner partner WHERE partner.ref = %(ref)s
            """,
            delinquent=DELINQUENT_SHARE,
            ref=f"BENCH-{company.id}",
        )
    )
    cr.execute(
        SQL(
            """
            INSERT INTO account_move (id, name, date, journal_id, company_id, currency_id,
                                      move_type, state, auto_post, partner_id,
                                      commercial_partner_id, create_date, write_date)
            SELECT id, 'BENCH/' || id, %(date)s, %(journal)s, %(company)s, %(currency)s,
                   'entry', 'posted', 'no', partner_id, partner_id, now(), now()
              FROM bench_move
            """,
            date=TODAY - timedelta(days=400),
            journal=journal.id,
            company=company.id,
            currency=currency,
        )
    )
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_item AS
            SELECT move.id AS move_id, move.partner_id,
                   CASE WHEN move.late THEN %(today)s::date - (1 + floor(random() * 365))::int
                        ELSE %(today)s::date + floor(random() * 60)::int END AS date_maturity,
                   CASE WHEN random() < 0.05 THEN -1 ELSE 1 END
                       * round((10 + random() * 490)::numeric, 2) AS amount
              FROM bench_move move, generate_series(1, %(items)s)
            """,
            today=TODAY,
            items=ITEMS_PER_CUSTOMER,
        )
    )
    common = SQL(
        """
        journal_id, company_id, company_currency_id, currency_id, date, parent_state,
        create_date, write_date
        """
    )
    cr.execute(
        SQL(
            """
            INSERT INTO account_move_line (move_id, move_name, partner_id, account_id,
                   display_type, name, date_maturity, balance, debit, credit,
                   amount_currency, amount_residual, amount_residual_currency,
                   reconciled, %(common)s)
            SELECT move_id, 'BENCH/' || move_id, partner_id, %(receivable)s,
                   'payment_term', 'Instalment', date_maturity, amount,
                   GREATEST(amount, 0), GREATEST(-amount, 0), amount, amount, amount, FALSE,
                   %(journal)s, %(company)s, %(currency)s, %(currency)s, %(date)s, 'posted',
                   now(), now()
              FROM bench_item
             UNION ALL
            SELECT move_id, 'BENCH/' || move_id, partner_id, %(income)s, 'product',
                   'Sales', NULL, -SUM(amount), GREATEST(-SUM(amount), 0),
                   GREATEST(SUM(amount), 0), -SUM(amount), 0, 0, FALSE,
                   %(journal)s, %(company)s, %(currency)s, %(currency)s, %(date)s, 'posted',
                   now(), now()
              FROM bench_item GROUP BY move_id, partner_id
            """,
            common=common,
            receivable=receivable.id,
            income=income.id,
            journal=journal.id,
            company=company.id,
            currency=currency,
            date=TODAY - timedelta(days=400),
        )
    )
    cr.execute("DROP TABLE bench_item, bench_move")


# ----------------------------------------------------------------------
# Phases
# ----------------------------------------------------------------------


def bench_company(env, name):
    return env["res.company"].search([("name", "=", name)], limit=1)


def manager_env(env, company):
    admin = env.ref("base.user_admin")
    return env(user=admin, context={"allowed_company_ids": company.ids})


def run_refresh(env, company, partners=None, every_company=False):
    """One refresh, as a manager of the company (or as the scheduler, of every
    company): (seconds, queries, result)."""
    if not every_company:
        env = manager_env(env, company)
    env.flush_all()
    env.invalidate_all()
    queries_before = env.cr.sql_log_count
    started = time.perf_counter()
    result = env["collection.profile"].refresh_queues(partners=partners, date=TODAY)
    env.flush_all()
    return time.perf_counter() - started, env.cr.sql_log_count - queries_before, result


def run_daily_job(env):
    """The daily job as the scheduler runs it: every customer queued, then the
    refresh job's batches (one transaction each in production) until none is
    left. (seconds, batches)"""
    env.flush_all()
    env.invalidate_all()
    Profile, Request = env["collection.profile"], env["collection.refresh.request"]
    started = time.perf_counter()
    Profile._cron_refresh_queues()
    batches = 0
    while Request.search_count([], limit=1):
        Profile._cron_refresh_changed()
        env.flush_all()
        env.invalidate_all()
        batches += 1
    return time.perf_counter() - started, batches


@contextmanager
def rolled_back(env):
    """Run the block, then undo what it wrote: every measure of a pair does the
    same work on the same data."""
    env.flush_all()
    env.cr.execute("SAVEPOINT bench_measure")
    try:
        yield
    finally:
        env.invalidate_all(flush=False)
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_measure")
        env.cr.execute("RELEASE SAVEPOINT bench_measure")


def interleaved(first, second, pairs=PAIRS):
    """Measure ``first()`` and ``second()`` (each returning seconds) alternately,
    each ``second()`` between two ``first()``: first, second, first, second, ...,
    first. Each ratio is a ``second()`` over the mean of the two ``first()``
    around it, so that the load of the machine and a drift of both alike (a
    table growing with the dead rows of rolled-back measures) cancel out; the
    median of the ``pairs`` ratios and their spread."""
    firsts, seconds = [first()], []
    for _pair in range(pairs):
        seconds.append(second())
        firsts.append(first())
    ratios = [
        b / ((a_before + a_after) / 2)
        for a_before, b, a_after in zip(firsts, seconds, firsts[1:], strict=False)
    ]
    return {
        "pairs": pairs,
        "first_median_s": round(statistics.median(firsts), 3),
        "second_median_s": round(statistics.median(seconds), 3),
        "ratio_median": round(statistics.median(ratios), 2),
        "ratio_min": round(min(ratios), 2),
        "ratio_max": round(max(ratios), 2),
    }


def refresh_against_floor(env, company, partners=None):
    """A refresh and the floor side by side: the refresh rolled back after each
    measure, so that each pair measures the same work."""
    last = {}

    def floor():
        return floor_once(env, company)

    def refresh():
        with rolled_back(env):
            seconds, queries, result = run_refresh(env, company, partners)
        last.update(queries=queries, result=result)
        return seconds

    floor()  # warm the cache before the first pair
    pairs = interleaved(floor, refresh)
    return {
        "floor_s": pairs["first_median_s"],
        "seconds": pairs["second_median_s"],
        "ratio_to_floor": {
            key: pairs[key]
            for key in ("pairs", "ratio_median", "ratio_min", "ratio_max")
        },
        "queries": last["queries"],
        **{
            key: last["result"][key]
            for key in ("added", "moved", "removed", "unchanged")
        },
    }


def daily_against_steady(env, company):
    """The daily job through its batches against one steady refresh of the same
    book (every company, as the job refreshes), interleaved."""
    info = {}

    def steady():
        with rolled_back(env):
            seconds, _queries, _result = run_refresh(env, company, every_company=True)
        return seconds

    def daily():
        with rolled_back(env):
            seconds, info["batches"] = run_daily_job(env)
        return seconds

    pairs = interleaved(steady, daily, pairs=PAIRS)
    return {
        "steady_all_companies_s": pairs["first_median_s"],
        "daily_job_s": pairs["second_median_s"],
        "batches": info["batches"],
        "ratio_to_steady": {
            key: pairs[key]
            for key in ("pairs", "ratio_median", "ratio_min", "ratio_max")
        },
    }


def job_server(db, port):
    """An Odoo server on ``db`` as a node runs it with the job queue: two worker
    processes, queue_job loaded server-wide and its job runner; stopped on exit
    of the block."""
    conf = os.environ["ODOO_CONF"]
    odoo_src = os.path.dirname(os.path.dirname(odoo.__file__))
    launcher = os.path.join(odoo_src, "odoo-bin")
    if not os.path.exists(launcher):
        launcher = os.path.join(odoo_src, "setup", "odoo")
    log_file = os.path.join(os.path.dirname(conf), f"bench_jobs_{port}.log")
    server = subprocess.Popen(
        [
            sys.executable,
            launcher,
            *("-c", conf, "-d", db, f"--db-filter=^{db}$"),
            *("--workers=2", "--max-cron-threads=0", "--load=base,web,queue_job"),
            *(f"--http-port={port}", f"--gevent-port={port + 1}"),
            f"--logfile={log_file}",
        ],
        env=dict(
            os.environ,
            ODOO_QUEUE_JOB_CHANNELS="root:2,root.collection_queues:2",
            ODOO_QUEUE_JOB_PORT=str(port),
        ),
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                os.killpg(server.pid, signal.SIGKILL)
                raise SystemExit(
                    f"the job server did not start; see {log_file}"
                ) from None
            time.sleep(0.5)
    while "database connections ready" not in Path(log_file).read_text():
        if time.monotonic() > deadline:
            os.killpg(server.pid, signal.SIGKILL)
            raise SystemExit(f"the job runner did not start; see {log_file}")
        time.sleep(0.5)
    return server


def daily_through_jobs(env, company):
    """The daily job of the whole book through the job queue (a server with two
    workers and the job runner) against the scheduled actions' chain in this
    process (every customer requested, then a batch per transaction until none
    is left, then the steps), interleaved. Both commit as they would in
    production; the book being placed already, every run does the same work."""
    Profile, Request = env["collection.profile"], env["collection.refresh.request"]
    port = int(os.environ.get("BENCH_JOBS_PORT", 8189))
    server = job_server(env.cr.dbname, port)
    info = {"enqueue_s": [], "jobs": []}

    def cron():
        env.cr.commit()
        started = time.perf_counter()
        env["collection.promise"]._evaluate()
        Request._enqueue_all()
        env.cr.commit()
        while Request.search_count([], limit=1):
            Request._process_batch()
            env.cr.commit()
        after, today = 0, date.today()
        while True:
            _done, after = Profile._run_steps_batch(today, after)
            env.cr.commit()
            if not after:
                break
        return time.perf_counter() - started

    def jobs():
        env.cr.commit()
        env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM queue_job")
        (last_job,) = env.cr.fetchone()
        started = time.perf_counter()
        Profile._cron_refresh_queues()
        env.cr.commit()
        info["enqueue_s"].append(time.perf_counter() - started)
        while True:
            env.cr.execute(
                """
                SELECT COUNT(*), COUNT(*) FILTER (WHERE state = 'failed'),
                       COUNT(*) FILTER (WHERE state != 'done')
                  FROM queue_job WHERE id > %s
                """,
                (last_job,),
            )
            count, failed, waiting = env.cr.fetchone()
            env.cr.commit()
            if failed:
                raise SystemExit("a collection job failed: see Job Queue > Jobs")
            if not waiting:
                break
            time.sleep(0.05)
        info["jobs"].append(count)
        return time.perf_counter() - started

    try:
        pairs = interleaved(cron, jobs, pairs=PAIRS)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    return {
        "cron_s": pairs["first_median_s"],
        "jobs_s": pairs["second_median_s"],
        "jobs": max(info["jobs"]),
        "enqueue_s_max": round(max(info["enqueue_s"]), 3),
        "enqueue_s_median": round(statistics.median(info["enqueue_s"]), 3),
        "ratio_to_cron": {
            key: pairs[key]
            for key in ("pairs", "ratio_median", "ratio_min", "ratio_max")
        },
    }


def floor_once(env, company):
    """The bare aggregation any correct refresh must run: every open receivable
    item of the company, summed per customer (and its oldest due date). The outer
    sums make PostgreSQL compute every aggregate while sending back a single row."""
    accounts = env["account.account"].search(
        [("company_ids", "in", company.id), ("account_type", "=", "asset_receivable")]
    )
    query = SQL(
        """
        SELECT COUNT(*), SUM(amount_due), SUM(days_past_due) FROM (
            SELECT partner.commercial_partner_id,
                   SUM(line.amount_residual) AS amount_due,
                   MAX(%(date)s::date - line.date_maturity) AS days_past_due
              FROM account_move_line line
              JOIN res_partner partner ON partner.id = line.partner_id
             WHERE line.account_id = ANY(%(accounts)s)
               AND line.parent_state = 'posted'
               AND line.reconciled IS NOT TRUE
               AND line.amount_residual != 0
               AND line.company_id = %(company)s
             GROUP BY partner.commercial_partner_id
        ) customers
        """,
        date=TODAY,
        accounts=accounts.ids,
        company=company.id,
    )
    started = time.perf_counter()
    env.cr.execute(query)
    env.cr.fetchall()
    return time.perf_counter() - started


def posting_overhead(env, company):
    """Posting ``POSTINGS`` customer invoices and reconciling as many payments
    (a page of ``POSTING_PAGE`` invoices at a time: created, posted, then paid
    through the register-payment wizard), with the refresh on change on and off,
    interleaved; each measure rolled back."""
    company = bench_company(env, POSTING_COMPANY)
    env = manager_env(env, company)
    ICP = env["ir.config_parameter"].sudo()
    partners = env["res.partner"].search([("ref", "=", "BENCH-POST")], limit=POSTINGS)
    product_account = env["account.account"].search(
        [("company_ids", "in", company.id), ("account_type", "=", "income")], limit=1
    )

    def post_and_pay(refresh_on_change):
        with rolled_back(env):
            ICP.set_param(REFRESH_ON_CHANGE, "True" if refresh_on_change else "")
            env.flush_all()
            started = time.perf_counter()
            # A page of invoices at a time, as users post and pay them.
            for chunk in split_every(POSTING_PAGE, partners):
                invoices = env["account.move"].create(
                    [
                        {
                            "move_type": "out_invoice",
                            "partner_id": partner.id,
                            "invoice_date": TODAY,
                            "invoice_line_ids": [
                                Command.create(
                                    {
                                        "name": "Service",
                                        "quantity": 1,
                                        "price_unit": 100.0,
                                        "account_id": product_account.id,
                                        "tax_ids": [Command.clear()],
                                    }
                                )
                            ],
                        }
                        for partner in chunk
                    ]
                )
                invoices.action_post()
                env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=invoices.ids
                ).create({"group_payment": False})._create_payments()
            env.flush_all()
            return time.perf_counter() - started

    post_and_pay(True)  # warm the caches
    pairs = interleaved(lambda: post_and_pay(False), lambda: post_and_pay(True))
    return {
        "invoices": len(partners),
        "payments": len(partners),
        "off_median_s": pairs["first_median_s"],
        "on_median_s": pairs["second_median_s"],
        "ratio_on_to_off": {
            key: pairs[key]
            for key in ("pairs", "ratio_median", "ratio_min", "ratio_max")
        },
    }


def change_customers(env, company):
    """1,000 customers whose receivables change: a third pay everything, a third
    get older items, a third (not in a queue yet) fall behind."""
    env.cr.execute(
        SQL(
            """
            SELECT partner_id FROM collection_queue
             WHERE company_id = %s AND state = 'open' ORDER BY partner_id LIMIT %s
            """,
            company.id,
            CHANGED_CUSTOMERS * 2 // 3,
        )
    )
    in_queue = [row[0] for row in env.cr.fetchall()]
    env.cr.execute(
        SQL(
            """
            SELECT partner.id FROM res_partner partner
             WHERE partner.ref = %s AND NOT EXISTS (
                   SELECT 1 FROM collection_queue entry
                    WHERE entry.partner_id = partner.id AND entry.state = 'open')
             ORDER BY partner.id LIMIT %s
            """,
            f"BENCH-{company.id}",
            CHANGED_CUSTOMERS - len(in_queue),
        )
    )
    current = [row[0] for row in env.cr.fetchall()]
    paid, older = in_queue[::2], in_queue[1::2]
    env.cr.execute(
        SQL(
            """
            UPDATE account_move_line SET amount_residual = 0, amount_residual_currency = 0,
                   reconciled = TRUE
             WHERE partner_id = ANY(%s) AND display_type = 'payment_term'
            """,
            paid,
        )
    )
    env.cr.execute(
        SQL(
            """
            UPDATE account_move_line SET date_maturity = date_maturity - 120
             WHERE partner_id = ANY(%s) AND display_type = 'payment_term'
            """,
            older + current,
        )
    )
    return env["res.partner"].browse(in_queue + current)


def screens(env, company):
    """Queries to read the queue list (100 and all entries) and a partner form."""
    env = manager_env(env, company)
    Queue = env["collection.queue"]
    view = env.ref("collection_queues.view_collection_queue_list")
    views = Queue.get_views([(view.id, "list")])
    fields_spec = {name: {} for name in views["models"][Queue._name]["fields"]}
    for name, field in Queue._fields.items():
        if name in fields_spec and field.type == "many2one":
            fields_spec[name] = {"fields": {"display_name": {}}}
    counts = {}
    for limit in (100, 10000):
        env.invalidate_all()
        before = env.cr.sql_log_count
        records = Queue.web_search_read(
            [("state", "=", "open")], fields_spec, limit=limit
        )["records"]
        counts[f"queue_list_{len(records)}_queries"] = env.cr.sql_log_count - before
    partner = Queue.search([("state", "=", "open")], limit=1).partner_id
    form = env["res.partner"].get_views([(False, "form")])["models"]["res.partner"][
        "fields"
    ]
    env.invalidate_all()
    before = env.cr.sql_log_count
    partner.web_read({name: {} for name in form})
    counts["partner_form_queries"] = env.cr.sql_log_count - before
    return counts


def bulk_actions(env, company):
    """The dialogs on a selection of entries, as the Actions menu opens them: the
    seconds and queries of each, on 100 and on 1,000 entries (rolled back)."""
    env = manager_env(env, company)
    Queue = env["collection.queue"]
    status = env["collection.status"].search(
        [("name", "=", "Bench bulk status")]
    ) or env["collection.status"].create({"name": "Bench bulk status"})
    call = env["collection.activity.type"].search(
        [("code", "=", "bench_bulk_call")]
    ) or env["collection.activity.type"].create(
        {"name": "Bench bulk call", "code": "bench_bulk_call"}
    )
    collector = env.ref("base.user_admin")
    dialogs = {
        "change_status": (
            "collection.log.wizard",
            {"mode": "status", "status_id": status.id},
        ),
        "log_event": (
            "collection.log.wizard",
            {
                "mode": "log",
                "activity_type_id": call.id,
                "followup_date": TODAY + timedelta(days=7),
            },
        ),
        "assign_collector": (
            "collection.assign.wizard",
            {"collector_id": collector.id},
        ),
    }
    figures = {}
    for size in (100, 1000):
        entries = Queue.search(
            [("company_id", "=", company.id), ("state", "=", "open")], limit=size
        )
        for name, (model, values) in dialogs.items():
            with rolled_back(env):
                env.invalidate_all()
                before, started = env.cr.sql_log_count, time.perf_counter()
                wizard = (
                    env[model]
                    .with_context(
                        active_model="collection.queue", active_ids=entries.ids
                    )
                    .create(values)
                )
                wizard.action_apply()
                env.flush_all()
                figures[f"{name}_{size}"] = {
                    "seconds": round(time.perf_counter() - started, 3),
                    "queries": env.cr.sql_log_count - before,
                }
    return figures


def promises(env, company):
    """Recording ``PROMISES`` promises at once (one call on the whole
    selection), and judging as many open promises whose deadline passed (the
    heaviest case: each broken, logged, followed up by a To-Do) in one
    evaluation: each against the floor, interleaved, every measure rolled back."""
    env = manager_env(env, company)
    entries = env["collection.queue"].search(
        [("company_id", "=", company.id), ("state", "=", "open")],
        limit=PROMISES,
        order="id",
    )
    # By their ids: the customers' own prefetching, not their entries' (whose
    # cache each rolled-back measure empties).
    customers = env["res.partner"].browse(entries.partner_id.ids)
    last = {}

    def floor():
        return floor_once(env, company)

    def record():
        with rolled_back(env):
            before, started = env.cr.sql_log_count, time.perf_counter()
            customers.collection_promise(100.0, TODAY)
            env.flush_all()
            seconds = time.perf_counter() - started
            last["record_queries"] = env.cr.sql_log_count - before
        return seconds

    def judge():
        with rolled_back(env):
            customers.collection_promise(100.0, TODAY)
            env.flush_all()
            # The deadline passed yesterday: every promise is judged today.
            env.cr.execute(
                SQL(
                    "UPDATE collection_promise SET date_deadline = %s "
                    "WHERE state = 'open' AND company_id = %s",
                    TODAY - timedelta(days=1),
                    company.id,
                )
            )
            env.invalidate_all()
            before, started = env.cr.sql_log_count, time.perf_counter()
            last["judged"] = env["collection.promise"]._evaluate(date=TODAY)
            env.flush_all()
            seconds = time.perf_counter() - started
            last["judge_queries"] = env.cr.sql_log_count - before
        return seconds

    floor()  # warm the cache before the first pair
    recorded = interleaved(floor, record)
    judged = interleaved(floor, judge)
    return {
        "promises": len(entries),
        "judged": last["judged"],
        "floor_s": judged["first_median_s"],
        "record_s": recorded["second_median_s"],
        "record_queries": last["record_queries"],
        "record_ratio_to_floor": {
            key: recorded[key]
            for key in ("pairs", "ratio_median", "ratio_min", "ratio_max")
        },
        "seconds": judged["second_median_s"],
        "queries": last["judge_queries"],
        "ratio_to_floor": {
            key: judged[key]
            for key in ("pairs", "ratio_median", "ratio_min", "ratio_max")
        },
    }


def kpis(env, company):
    """The KPIs of the company for the year to today (the median of 3 runs)."""
    env = manager_env(env, company)
    timings = []
    for _run in range(3):
        env.invalidate_all()
        started = time.perf_counter()
        result = env["collection.kpi"].get_kpis(TODAY - timedelta(days=364), TODAY)
        timings.append(time.perf_counter() - started)
    return {
        "seconds": round(statistics.median(timings), 3),
        "receivable_end": result["receivable_end"],
        "dso": result["dso"],
        "queues": len(result["receivables_by_queue"]),
    }


def serve_http(port):
    """Odoo's HTTP server in this process: wkhtmltopdf loads the report's
    stylesheets from it, as from a running Odoo."""
    odoo.tools.config["http_port"] = port
    server = odoo.service.server.ThreadedServer(odoo.http.root)
    server.http_spawn()
    return f"http://localhost:{port}"


def letters(env, company):
    """One PDF of letters for 1,000 customers, and 1,000 letters e-mailed (queued
    in the mail queue with their PDF), as a manager; rolled back."""
    env = manager_env(env, company)
    base_url = serve_http(int(os.environ.get("BENCH_HTTP_PORT", 8179)))
    ICP = env["ir.config_parameter"].sudo()
    template = env.ref("collection_queues.mail_template_collection_friendly_reminder")
    entries = env["collection.queue"].search(
        [("company_id", "=", company.id), ("state", "=", "open")],
        limit=LETTERS,
    )
    figures = {"letters": len(entries)}
    with rolled_back(env):
        ICP.set_param("report.url", base_url)
        company.collection_letter_template_id = template
        env.flush_all()
        started = time.perf_counter()
        action = entries.collection_send_letters(channel="print")
        pdf, _kind = (
            env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(action["report_name"], entries.ids, data=action["data"])
        )
        figures["print_one_pdf_s"] = round(time.perf_counter() - started, 2)
        figures["pdf_mb"] = round(len(pdf) / 1e6, 1)
    with rolled_back(env):
        ICP.set_param("report.url", base_url)
        company.collection_letter_template_id = template
        env.cr.execute(
            SQL(
                "UPDATE res_partner SET email = 'customer' || id || '@example.com' "
                "WHERE id = ANY(%s)",
                entries.partner_id.ids,
            )
        )
        env.invalidate_all()
        started = time.perf_counter()
        result = entries.with_context(
            force_report_rendering=True
        ).collection_send_letters(channel="email")
        env.flush_all()
        figures["email_queued_s"] = round(time.perf_counter() - started, 2)
        figures["emails_queued"] = len(result["sent"])
    return figures


def plan_steps(env, profiles, entries_where):
    """``STEP_PLAN`` on each of ``profiles``, and the entries (``entries_where``:
    SQL on collection_queue) in their queue for 0 to ``STEP_AGES`` - 1 days."""
    template = env.ref("collection_queues.mail_template_collection_friendly_reminder")
    status = env["collection.status"].create({"name": "Bench step status"})
    env["collection.profile.step"].create(
        [
            {
                "profile_id": profile.id,
                "name": f"{action} on day {day}",
                "day": day,
                "action": action,
                "template_id": template.id,
                "status_id": status.id if action == "status" else False,
            }
            for profile in profiles
            for day, action in STEP_PLAN
        ]
    )
    env.flush_all()
    env.cr.execute(
        SQL(
            "UPDATE collection_queue SET date_start = %s::date - mod(id, %s) WHERE %s",
            TODAY,
            STEP_AGES,
            entries_where,
        )
    )
    env.invalidate_all()


def steps(env, company):
    """The automatic steps of the whole book, as a manager; rolled back. Four
    steps per sequenced queue, entries in their queue for 0 to 89 days: the
    first run (every entry's latest step of each kind due), the run of the day
    after (what came due overnight), and ``STEP_EMAILS`` e-mail steps queued."""
    env = manager_env(env, company)
    base_url = serve_http(int(os.environ.get("BENCH_HTTP_PORT", 8179)))
    Profile = env["collection.profile"]
    profiles = Profile.search(
        [("company_id", "=", company.id), ("auto_sequence", "=", True)]
    )
    template = env.ref("collection_queues.mail_template_collection_friendly_reminder")
    open_entries = SQL("company_id = %s AND state = 'open'", company.id)
    figures = {}

    def run(date, label):
        env.invalidate_all()
        before, started = env.cr.sql_log_count, time.perf_counter()
        result = Profile.collection_run_steps(date=date)
        env.flush_all()
        figures[label] = {
            "seconds": round(time.perf_counter() - started, 2),
            "queries": env.cr.sql_log_count - before,
            "done": len(result["done"]),
            "held": len(result["held"]),
            "skipped": len(result["skipped"]),
        }

    with rolled_back(env):
        plan_steps(env, profiles, open_entries)
        figures["entries"] = env["collection.queue"].search_count(
            [("company_id", "=", company.id), ("state", "=", "open")]
        )
        figures["steps"] = len(profiles) * len(STEP_PLAN)
        run(TODAY, "first_run")
        run(TODAY + timedelta(days=1), "next_day")
    with rolled_back(env):
        ICP = env["ir.config_parameter"].sudo()
        ICP.set_param("report.url", base_url)
        env["collection.profile.step"].create(
            [
                {
                    "profile_id": profile.id,
                    "name": "Reminder",
                    "day": 0,
                    "action": "email",
                    "template_id": template.id,
                }
                for profile in profiles
            ]
        )
        # STEP_EMAILS customers entered their queue today and have an address;
        # the others entered yesterday.
        env.cr.execute(
            SQL(
                "UPDATE collection_queue SET date_start = %s::date - 1 "
                "WHERE %s RETURNING id, partner_id",
                TODAY,
                open_entries,
            )
        )
        chosen = env.cr.fetchall()[:STEP_EMAILS]
        env.cr.execute(
            SQL(
                "UPDATE collection_queue SET date_start = %s WHERE id = ANY(%s)",
                TODAY,
                [entry_id for entry_id, _partner_id in chosen],
            )
        )
        env.cr.execute(
            SQL(
                "UPDATE res_partner SET email = 'customer' || id || '@example.com' "
                "WHERE id = ANY(%s)",
                [partner_id for _entry_id, partner_id in chosen],
            )
        )
        mails_before = env["mail.mail"].sudo().search_count([])
        env.invalidate_all()
        started = time.perf_counter()
        Profile.with_context(force_report_rendering=True).collection_run_steps()
        env.flush_all()
        figures["emails"] = {
            "seconds": round(time.perf_counter() - started, 2),
            "queued": env["mail.mail"].sudo().search_count([]) - mails_before,
        }
    return figures


def disputes(env, company):
    """The steady refresh with ``DISPUTES`` open disputes, each on half of a
    customer's amount due, against the floor; rolled back. The disputes are
    opened and a refresh places their customers anew before the pairs are
    measured, so that the refreshes measured change nothing."""
    env = manager_env(env, company)
    reason = env.ref("collection_queues.dispute_reason_pricing")
    with rolled_back(env):
        # The book's documents carry their amounts due as invoices do.
        env.cr.execute(
            SQL(
                """
                WITH due AS (
                    SELECT line.move_id, SUM(line.amount_residual) AS amount
                      FROM account_move_line line
                      JOIN account_account account ON account.id = line.account_id
                     WHERE line.company_id = %(company)s
                       AND account.account_type = 'asset_receivable'
                     GROUP BY line.move_id
                    HAVING SUM(line.amount_residual) > 1
                     ORDER BY line.move_id
                     LIMIT %(count)s
                )
                UPDATE account_move move SET amount_residual_signed = due.amount
                  FROM due WHERE move.id = due.move_id
                RETURNING move.id
                """,
                company=company.id,
                count=DISPUTES,
            )
        )
        move_ids = [row[0] for row in env.cr.fetchall()]
        env.cr.execute(
            SQL(
                """
                INSERT INTO collection_dispute
                       (move_id, partner_id, company_id, reason_id, amount, user_id,
                        state, date, create_uid, create_date, write_uid, write_date)
                SELECT move.id, move.commercial_partner_id, move.company_id, %(reason)s,
                       round(move.amount_residual_signed / 2, 2), %(uid)s, 'open',
                       %(today)s, %(uid)s, now(), %(uid)s, now()
                  FROM account_move move WHERE move.id = ANY(%(moves)s)
                """,
                reason=reason.id,
                uid=env.uid,
                today=TODAY,
                moves=move_ids,
            )
        )
        env.invalidate_all()
        _seconds, _queries, placed = run_refresh(env, company)
        figures = refresh_against_floor(env, company)
        figures["disputes"] = len(move_ids)
        figures["placed_with_disputes"] = {
            key: placed[key] for key in ("added", "moved", "removed", "unchanged")
        }
    return figures


def measure(db, phase, company_name):
    registry = environment(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = bench_company(env, company_name)
        baseline = rss_mb()
        if phase == "first":
            figures = refresh_against_floor(env, company)
            run_refresh(env, company)  # placed, for the phases after this one
        elif phase == "steady":
            figures = refresh_against_floor(env, company)
        elif phase == "changed":
            partners = change_customers(env, company)
            figures = refresh_against_floor(env, company, partners=partners)
        elif phase == "daily":
            figures = daily_against_steady(env, company)
        elif phase == "posting":
            figures = posting_overhead(env, company)
        elif phase == "screens":
            figures = screens(env, company)
        elif phase == "bulk":
            figures = bulk_actions(env, company)
        elif phase == "letters":
            figures = letters(env, company)
        elif phase == "promises":
            figures = promises(env, company)
        elif phase == "steps":
            figures = steps(env, company)
        elif phase == "disputes":
            figures = disputes(env, company)
        elif phase == "kpis":
            figures = kpis(env, company)
        elif phase == "jobs":
            figures = daily_through_jobs(env, company)
        else:
            raise SystemExit(f"unknown phase {phase}")
        figures["memory_mb"] = round(rss_mb() - baseline, 1)
        cr.commit()
    print(json.dumps(figures))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["generate", "generate-postings", "measure"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--phase")
    parser.add_argument("--company", default="Bench")
    args = parser.parse_args()
    if args.action in ("generate", "generate-postings"):
        registry = environment(args.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            if args.action == "generate":
                generate(env, args.scale)
            else:
                generate_postings(env)
            cr.commit()
    else:
        measure(args.db, args.phase, args.company)


if __name__ == "__main__":
    main()
