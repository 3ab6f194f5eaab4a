"""The daily job on OCA's job queue, across two Odoo servers, gives the books the
daily job gives without a job queue, even when a server dies mid-job.

    tools/scale_out.sh [--scale 0.08]      (part of tools/test.sh)

A generated book (tools/bench.py) with customers placed twenty days ago, some
of them paid since, promises to pay and automatic steps, is kept as a template.
Three copies of it run the daily job:

- the reference, without queue_job: the core's cron chain in one process;
- the jobs run, with queue_job: two Odoo servers in workers mode behind a
  round-robin proxy, one standalone job runner, the daily job triggered over
  XML-RPC; both servers must run jobs;
- the kill run: the same, with one server killed (SIGKILL) while one of its
  jobs waits on a row lock in the middle of its work; the runner re-queues the
  dead job and the other server runs it again.

Every run's collection records (entries, history, step runs, letters to print,
To-Dos, followers, promises) must equal the reference's, ids and times aside.
One summary line per run; the exit status says whether all held. The servers
listen on SCALE_OUT_PORT and the next port (default 8271), their gevent ports
on the two after, the proxy on the fifth; SCALE_OUT_SCALE sizes the book,
SCALE_OUT_TIMEOUT bounds each run's jobs (seconds).
"""

import argparse
import atexit
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import xmlrpc.client
from collections import Counter
from contextlib import closing, suppress
from datetime import timedelta
from pathlib import Path

import psycopg2

TOOLS = Path(__file__).resolve().parent
PREFIX = "cq_scale"
BOOK_DB = f"{PREFIX}_book"
JOBS_TEMPLATE_DB = f"{PREFIX}_jobs_base"
REFERENCE_DB = f"{PREFIX}_ref"
JOBS_DB = f"{PREFIX}_jobs"
KILL_DB = f"{PREFIX}_kill"
# Customers were placed this many days before the run: today's refresh moves
# many, adds some and removes those paid meanwhile.
PLACED_DAYS_AGO = 20
# Refresh jobs the daily job makes (the batch size follows from the book).
REFRESH_JOBS = 10
CHANNELS = "root:4,root.collection_queues:2"
# The runner re-queues a started job only once it was enqueued this long ago.
DEAD_JOB_DELAY = 10
PROGRESS_EVERY = 5
BOLD = "\033[1m%s\033[0m"


def log(message):
    print(BOLD % f"==> {message}", file=sys.stderr, flush=True)


def note(message):
    print(f"  {message}", file=sys.stderr, flush=True)


class CheckFailed(Exception):
    pass


# ----------------------------------------------------------------------
# Inside Odoo (subcommands run in a process of their own)
# ----------------------------------------------------------------------


def prepare(db):
    """The book's state before the daily job; prints the plan of the runs."""
    # Odoo is imported by the subcommands only: the harness runs without it.
    import bench

    from odoo import SUPERUSER_ID, api, fields
    from odoo.tools import SQL, split_every

    registry = bench.environment(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Profile = env["collection.profile"]
        # The day the jobs count from (the scheduler's), not the machine's.
        today = fields.Date.context_today(Profile)
        Profile.refresh_queues(date=today - timedelta(days=PLACED_DAYS_AGO))
        env.flush_all()
        # One customer in ten paid everything since (a refresh removes them).
        cr.execute(
            """
            UPDATE account_move_line line
               SET amount_residual = 0, amount_residual_currency = 0,
                   reconciled = TRUE
              FROM collection_queue entry
             WHERE entry.state = 'open' AND mod(entry.id, 10) = 0
               AND line.partner_id = entry.partner_id
               AND line.display_type = 'payment_term'
            """
        )
        env.invalidate_all()
        profiles = Profile.search([("auto_sequence", "=", True)])
        bench.plan_steps(env, profiles, SQL("state = 'open'"))
        # Promises of one customer in seven, half of them due days ago: the
        # daily job judges those (broken, or kept by the paid ones).
        admin = env.ref("base.user_admin")
        for company in profiles.company_id:
            entries = env["collection.queue"].search(
                [("company_id", "=", company.id), ("state", "=", "open")], order="id"
            )
            customers = entries.filtered(lambda entry: entry.id % 7 == 3).partner_id
            customers.with_user(admin).with_context(
                allowed_company_ids=company.ids
            ).collection_promise(100, today)
        env.flush_all()
        cr.execute(
            SQL(
                "UPDATE collection_promise SET date = %s, date_deadline = %s "
                "WHERE state = 'open' AND mod(id, 2) = 0",
                today - timedelta(days=12),
                today - timedelta(days=5),
            )
        )
        env.invalidate_all()
        # The customers the jobs take, batch by batch, as the daily job makes
        # them; in each, one whose refresh writes a row of its own (where a
        # job waits when the customer is locked).
        requests = env["collection.refresh.request"]
        cr.execute(
            SQL("SELECT DISTINCT partner_id FROM (%s) c", requests._candidates_sql())
        )
        candidates = sorted(partner_id for (partner_id,) in cr.fetchall())
        batch_size = max(math.ceil(len(candidates) / REFRESH_JOBS), 1)
        env["ir.config_parameter"].set_param(
            "collection_queues.job_batch_size", str(batch_size)
        )
        changes = Profile.refresh_queues(date=today, dry_run=True)["changes"]
        changed = {change["partner_id"] for change in changes}
        batches = list(split_every(batch_size, candidates))
        locked = [
            next(partner_id for partner_id in batch if partner_id in changed)
            for batch in batches
            if changed.intersection(batch)
        ]
        cr.execute("SELECT COUNT(*) FROM collection_queue WHERE state = 'open'")
        placed = cr.fetchone()[0]
        cr.execute("SELECT COUNT(*) FROM collection_promise WHERE state = 'open'")
        promises = cr.fetchone()[0]
        cr.commit()
        cr.execute("ANALYZE")
    print(
        json.dumps(
            {
                "day": today.isoformat(),
                "placed": placed,
                "promises": promises,
                "steps": len(profiles) * len(bench.STEP_PLAN),
                "candidates": len(candidates),
                "changes": len(changes),
                "batch_size": batch_size,
                "batches": len(batches),
                "locked": locked,
            }
        )
    )


def reference(db):
    """The daily job as the core's crons run it, one call per transaction, to
    the end: every customer queued, the refresh batches, the steps batches."""
    import bench

    from odoo import SUPERUSER_ID, api

    registry = bench.environment(db)
    started = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Profile = env["collection.profile"]
        params = env["ir.config_parameter"]
        Profile._cron_refresh_queues()
        cr.commit()
        refreshes = steps = 0
        while env["collection.refresh.request"].search_count([], limit=1):
            Profile._cron_refresh_changed()
            cr.commit()
            env.invalidate_all()
            refreshes += 1
            if refreshes > 1000:
                raise SystemExit("the refresh batches never end")
        while params.get_param("collection_queues.steps_due"):
            Profile._cron_run_steps()
            cr.commit()
            env.invalidate_all()
            steps += 1
            if steps > 1000:
                raise SystemExit("the steps batches never end")
    print(
        json.dumps(
            {
                "refresh_batches": refreshes,
                "steps_batches": steps,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


# ----------------------------------------------------------------------
# What the daily job wrote
# ----------------------------------------------------------------------

# Each row: what a record is made of, without its id or the time it was
# written (the days are kept: every run happens on the same day).
FINGERPRINT = {
    "entry": """
        SELECT entry.partner_id, entry.company_id, entry.profile_id, entry.state,
               entry.outcome, entry.status_id, entry.is_manual, entry.user_id,
               entry.collector_id, entry.close_reason, entry.reason,
               entry.amount_due_placed, entry.amount_past_due, entry.amount_due,
               entry.credit_amount, entry.days_past_due, entry.last_activity_date,
               entry.next_followup_date, entry.date_start::date, entry.date_end::date,
               promise.state
          FROM collection_queue entry
          LEFT JOIN collection_promise promise ON promise.id = entry.promise_id
    """,
    "history": """
        SELECT line.partner_id, line.company_id, kind.code, line.profile_id,
               line.from_profile_id, line.status_id, line.old_status_id,
               line.is_manual, line.user_id, line.note, line.followup_date,
               line.active, line.date::date, entry.profile_id, entry.state
          FROM collection_activity line
          JOIN collection_activity_type kind ON kind.id = line.activity_type_id
          LEFT JOIN collection_queue entry ON entry.id = line.queue_id
    """,
    "step run": """
        SELECT run.partner_id, run.company_id, run.profile_id, run.step_id,
               run.action, run.date, run.state, entry.profile_id,
               entry.date_start::date
          FROM collection_step_run run
          JOIN collection_queue entry ON entry.id = run.entry_id
    """,
    "letter to print": """
        SELECT letter.partner_id, letter.company_id, letter.profile_id,
               letter.step_id, letter.template_id, letter.date, letter.state,
               letter.printed_by_id, entry.state
          FROM collection_letter_print letter
          JOIN collection_queue entry ON entry.id = letter.entry_id
    """,
    "to-do": """
        SELECT entry.partner_id, entry.profile_id, entry.state,
               todo.activity_type_id, todo.user_id, todo.summary, todo.note,
               todo.date_deadline, todo.date_done, todo.active, todo.automated
          FROM mail_activity todo
          JOIN collection_queue entry ON entry.id = todo.res_id
         WHERE todo.res_model = 'collection.queue'
    """,
    "follower": """
        SELECT entry.partner_id, entry.profile_id, follower.partner_id
          FROM mail_followers follower
          JOIN collection_queue entry ON entry.id = follower.res_id
         WHERE follower.res_model = 'collection.queue'
    """,
    "message": """
        SELECT entry.partner_id, entry.profile_id, message.message_type,
               message.subtype_id
          FROM mail_message message
          JOIN collection_queue entry ON entry.id = message.res_id
         WHERE message.model = 'collection.queue'
    """,
    "promise": """
        SELECT promise.partner_id, promise.company_id, promise.profile_id,
               promise.state, promise.amount, promise.amount_paid, promise.date,
               promise.date_deadline, promise.date_evaluated,
               promise.collector_id, promise.note, entry.profile_id, entry.state
          FROM collection_promise promise
          LEFT JOIN collection_queue entry ON entry.id = promise.queue_id
    """,
    "refresh request": "SELECT partner_id FROM collection_refresh_request",
    "e-mail": "SELECT COUNT(*) FROM mail_mail",
}


def fingerprint(db):
    """The sorted rows of FINGERPRINT, each a tuple of texts led by its kind."""
    rows = []
    with closing(connect(db)) as conn, conn.cursor() as cr:
        for kind, query in FINGERPRINT.items():
            cr.execute(query)
            rows.extend(
                (kind, *("∅" if value is None else str(value) for value in row))
                for row in cr.fetchall()
            )
    return sorted(rows)


def counts(rows):
    return dict(sorted(Counter(row[0] for row in rows).items()))


def compare(expected, got, label):
    """Fail with the first differences unless both are the same rows."""
    if expected == got:
        return
    missing = sorted((Counter(expected) - Counter(got)).elements())
    extra = sorted((Counter(got) - Counter(expected)).elements())
    lines = [
        f"{label}: the collection records differ from the reference's "
        f"({len(missing)} rows missing, {len(extra)} rows more)",
        f"  reference: {counts(expected)}",
        f"  {label}: {counts(got)}",
    ]
    lines += ["  - " + " | ".join(row) for row in missing[:10]]
    lines += ["  + " + " | ".join(row) for row in extra[:10]]
    raise CheckFailed("\n".join(lines))


# ----------------------------------------------------------------------
# Databases and processes
# ----------------------------------------------------------------------


def connect(db, autocommit=True):
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = autocommit
    return conn


def filestore(db):
    data = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(data, "Odoo", "filestore", db)


def drop_db(db):
    with closing(connect("postgres")) as conn, conn.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    shutil.rmtree(filestore(db), ignore_errors=True)


def clone_db(template, db):
    drop_db(db)
    subprocess.run(["createdb", "-T", template, db], check=True)
    if filestore(template).is_dir():
        shutil.copytree(filestore(template), filestore(db), symlinks=True)


def rename_db(old, new):
    drop_db(new)
    with closing(connect("postgres")) as conn, conn.cursor() as cr:
        cr.execute(f'ALTER DATABASE "{old}" RENAME TO "{new}"')
    if filestore(old).is_dir():
        filestore(old).rename(filestore(new))


class Harness:
    def __init__(self, args):
        self.args = args
        self.work = Path(args.var_dir)
        self.work.mkdir(parents=True, exist_ok=True)
        self.python = sys.executable
        self.conf = self.work / "odoo.conf"
        self.processes = []  # every process group started, for the cleanup
        self.env = dict(os.environ, ODOO_CONF=str(self.conf))
        self.env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [args.odoo_src, os.environ.get("PYTHONPATH")])
        )

    def write_conf(self):
        """The project's configuration, without cron threads: the runs
        trigger the daily job themselves."""
        text = Path(self.args.conf).read_text()
        text = re.sub(r"(?m)^max_cron_threads\s*=.*$", "max_cron_threads = 0", text)
        self.conf.write_text(text)

    def odoo(self, db, *options, log_name):
        logfile = self.work / log_name
        logfile.unlink(missing_ok=True)
        command = [self.python, "-m", "odoo", "-c", str(self.conf), "-d", db]
        command += [*options, f"--logfile={logfile}"]
        return command, logfile

    def run_odoo(self, db, *options, log_name):
        command, logfile = self.odoo(db, *options, log_name=log_name)
        if subprocess.run(command, env=self.env, stderr=subprocess.DEVNULL).returncode:
            raise CheckFailed(f"odoo {' '.join(options)} failed; see {logfile}")

    def generate(self, db):
        """The customers and their open items (tools/bench.py, in SQL)."""
        logfile = self.work / "book_generate.log"
        command = [self.python, str(TOOLS / "bench.py"), "generate", "--db", db]
        with logfile.open("w") as out:
            result = subprocess.run(
                [*command, "--scale", str(self.args.scale)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        if result.returncode:
            raise CheckFailed(f"generating the book failed; see {logfile}")

    def subcommand(self, *arguments):
        logfile = self.work / f"{arguments[0]}.log"
        with logfile.open("w") as errors:
            result = subprocess.run(
                [self.python, __file__, *arguments],
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )
        if result.returncode:
            raise CheckFailed(f"{' '.join(arguments)} failed; see {logfile}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def start(self, name, command, env):
        """A process in its own session: its group is killed as a whole."""
        out = open(self.work / f"{name}.out", "w")  # noqa: SIM115 (the process owns it)
        process = subprocess.Popen(
            command,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        self.processes.append(process)
        return process

    def stop(self, process, grace=15):
        if process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                process.wait(grace)
        # The workers of a server outlive their master on a hard stop.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            process.wait(5)

    def cleanup(self):
        for process in self.processes:
            self.stop(process, grace=5)
        self.processes = []


# ----------------------------------------------------------------------
# The proxy in front of the servers
# ----------------------------------------------------------------------

RUNJOB = re.compile(rb"^GET /queue_job/runjob\?\S*?job_uuid=([0-9a-f-]+)")


class RoundRobinProxy:
    """New connections go to each server in turn, past one that refuses them;
    which server got each job is recorded."""

    def __init__(self, port, backends):
        self.backends = backends
        self.sent = []  # (job uuid, server number 1..n)
        self._turn = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", port))
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self):
        with suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()

    def servers_of(self, uuid):
        with self._lock:
            return [server for sent_uuid, server in self.sent if sent_uuid == uuid]

    def jobs_per_server(self):
        with self._lock:
            return {
                server: len({uuid for uuid, sent_to in self.sent if sent_to == server})
                for server in range(1, len(self.backends) + 1)
            }

    def _serve(self):
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _connect(self):
        with self._lock:
            first = self._turn
            self._turn = (self._turn + 1) % len(self.backends)
        for offset in range(len(self.backends)):
            index = (first + offset) % len(self.backends)
            try:
                upstream = socket.create_connection(
                    ("127.0.0.1", self.backends[index]), timeout=5
                )
            except OSError:
                continue
            upstream.settimeout(None)
            return index + 1, upstream
        return None, None

    def _relay(self, client):
        server, upstream = self._connect()
        if upstream is None:
            client.close()
            return
        with client, upstream:
            head = b""
            while b"\r\n" not in head and len(head) < 8192:
                try:
                    data = client.recv(8192)
                except OSError:
                    return
                if not data:
                    break
                head += data
            match = RUNJOB.match(head)
            if match:
                with self._lock:
                    self.sent.append((match.group(1).decode(), server))
            try:
                upstream.sendall(head)
            except OSError:
                return
            back = threading.Thread(
                target=self._pump, args=(upstream, client), daemon=True
            )
            back.start()
            self._pump(client, upstream)
            back.join(timeout=600)

    @staticmethod
    def _pump(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        # One side is done: so is the exchange (the runner does not wait for
        # the answer, the server finishes the job all the same).
        for sock in (source, target):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


# ----------------------------------------------------------------------
# A cluster: two servers, the proxy, the job runner
# ----------------------------------------------------------------------


class Cluster:
    def __init__(self, harness, db, label):
        self.harness, self.db, self.label = harness, db, label
        base = harness.args.port
        self.http_ports = [base, base + 1]
        self.gevent_ports = [base + 2, base + 3]
        self.proxy_port = base + 4
        self.servers = []
        self.proxy = None
        self.runner = None
        self.runner_log = harness.work / f"{label}_runner.log"

    def start(self):
        harness = self.harness
        self.proxy = RoundRobinProxy(self.proxy_port, self.http_ports)
        # No job runner in the servers: the standalone one dispatches.
        server_env = dict(harness.env, ODOO_QUEUE_JOB_CHANNELS="root:0")
        for number, (http_port, gevent_port) in enumerate(
            zip(self.http_ports, self.gevent_ports, strict=True), start=1
        ):
            command, _log = harness.odoo(
                self.db,
                "--workers=2",
                "--max-cron-threads=0",
                "--load=base,web,queue_job",
                f"--http-port={http_port}",
                f"--gevent-port={gevent_port}",
                f"--db-filter=^{self.db}$",
                log_name=f"{self.label}_server{number}.log",
            )
            self.servers.append(
                harness.start(f"{self.label}_server{number}", command, server_env)
            )
        for number, port in enumerate(self.http_ports, start=1):
            self._wait_http(number, port)
        runner_env = dict(
            harness.env,
            ODOO_QUEUE_JOB_CHANNELS=CHANNELS,
            ODOO_QUEUE_JOB_HOST="127.0.0.1",
            ODOO_QUEUE_JOB_PORT=str(self.proxy_port),
        )
        # Its __main__ parses no command line (Odoo 18's parse_config() reads
        # no argument): configured by ODOO_RC, its database named there, or it
        # would take every database of the cluster.
        self.runner_log.unlink(missing_ok=True)
        conf = harness.work / f"{self.label}_runner.conf"
        conf.write_text(
            harness.conf.read_text().rstrip("\n")
            + f"\ndb_name = {self.db}\nlogfile = {self.runner_log}\n"
        )
        runner_env["ODOO_RC"] = str(conf)
        command = [harness.python, "-m", "odoo.addons.queue_job.jobrunner"]
        self.runner = harness.start(f"{self.label}_runner", command, runner_env)
        deadline = time.monotonic() + 60
        while "queue job runner ready for db" not in self._runner_text():
            if self.runner.poll() is not None or time.monotonic() > deadline:
                raise CheckFailed(
                    f"the job runner did not start; see {self.runner_log}"
                )
            time.sleep(0.2)

    def _runner_text(self):
        with suppress(FileNotFoundError):
            return self.runner_log.read_text(errors="replace")
        return ""

    def _wait_http(self, number, port):
        deadline = time.monotonic() + 90
        common = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/common")
        while True:
            try:
                common.version()
                return
            except (OSError, xmlrpc.client.Error):
                pass
            if (
                self.servers[number - 1].poll() is not None
                or time.monotonic() > deadline
            ):
                raise CheckFailed(
                    f"server {number} of {self.label} did not start; see "
                    f"{self.harness.work / f'{self.label}_server{number}.log'}"
                )
            time.sleep(0.3)

    def trigger_daily_job(self):
        """As an administrator, over XML-RPC: the daily scheduled action run now."""
        url = f"http://127.0.0.1:{self.http_ports[0]}/xmlrpc/2/"
        common = xmlrpc.client.ServerProxy(url + "common")
        uid = common.authenticate(self.db, "admin", "admin", {})
        if not uid:
            raise CheckFailed(f"admin / admin cannot log in to {self.db}")
        models = xmlrpc.client.ServerProxy(url + "object", allow_none=True)
        [cron] = models.execute_kw(
            self.db,
            uid,
            "admin",
            "ir.model.data",
            "search_read",
            [
                [
                    ("module", "=", "collection_queues"),
                    ("name", "=", "ir_cron_refresh_queues"),
                ]
            ],
            {"fields": ["res_id"]},
        )
        models.execute_kw(
            self.db,
            uid,
            "admin",
            "ir.cron",
            "method_direct_trigger",
            [[cron["res_id"]]],
        )

    def server_of_pid(self, pid):
        """The server (1, 2) a process belongs to, by its process group."""
        with suppress(ProcessLookupError):
            group = os.getpgid(pid)
            for number, server in enumerate(self.servers, start=1):
                if server.pid == group:
                    return number
        return None

    def kill_server(self, number):
        server = self.servers[number - 1]
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)

    def requeued_dead(self):
        return self._runner_text().count("Re-queued dead job")

    def stop(self):
        for process in [self.runner, *self.servers]:
            if process is not None:
                self.harness.stop(process)
        if self.proxy is not None:
            self.proxy.close()


def job_states(conn):
    with conn.cursor() as cr:
        cr.execute("SELECT state, COUNT(*) FROM queue_job GROUP BY state")
        return dict(cr.fetchall())


def wait_all_done(conn, cluster, label, timeout):
    """Until every job is done; fails on a failed job, a timeout or a server
    that died by itself."""
    started = last_report = time.monotonic()
    while True:
        states = job_states(conn)
        if states.get("failed"):
            with conn.cursor() as cr:
                cr.execute(
                    "SELECT name, uuid, exc_info FROM queue_job WHERE state = 'failed'"
                )
                failures = "\n".join(
                    f"{name} ({uuid}):\n{exc_info}"
                    for name, uuid, exc_info in cr.fetchall()
                )
            raise CheckFailed(f"{label}: jobs failed:\n{failures}")
        if states and set(states) == {"done"}:
            return states["done"]
        now = time.monotonic()
        if now - started > timeout:
            raise CheckFailed(f"{label}: jobs not done after {timeout} s: {states}")
        if now - last_report >= PROGRESS_EVERY:
            note(f"{label}: {states} ({now - started:.0f} s)")
            last_report = now
        time.sleep(0.5)


def retried_jobs(conn):
    """Jobs run more than once (queue_job counts the first run as a try)."""
    with conn.cursor() as cr:
        cr.execute("SELECT COUNT(*) FROM queue_job WHERE retry > 1")
        return cr.fetchone()[0]


def done_uuids(conn):
    with conn.cursor() as cr:
        cr.execute("SELECT uuid FROM queue_job WHERE state = 'done'")
        return {uuid for (uuid,) in cr.fetchall()}


def check_runs_through_proxy(conn, cluster, label):
    unsent = done_uuids(conn) - {uuid for uuid, _server in cluster.proxy.sent}
    if unsent:
        raise CheckFailed(
            f"{label}: {len(unsent)} jobs done that the proxy never sent: "
            "something else ran them"
        )


def jobs_run(harness, template, expected, plan):
    started = time.monotonic()
    clone_db(template, JOBS_DB)
    cluster = Cluster(harness, JOBS_DB, "jobs")
    try:
        cluster.start()
        note(f"jobs run: cluster up ({time.monotonic() - started:.0f} s)")
        cluster.trigger_daily_job()
        with closing(connect(JOBS_DB)) as conn:
            jobs = wait_all_done(conn, cluster, "jobs run", harness.args.timeout)
            retried = retried_jobs(conn)
            check_runs_through_proxy(conn, cluster, "jobs run")
    finally:
        cluster.stop()
    per_server = cluster.proxy.jobs_per_server()
    compare(expected, fingerprint(JOBS_DB), "jobs run")
    if not all(per_server.values()):
        raise CheckFailed(f"jobs run: a server ran no job: {per_server}")
    seconds = time.monotonic() - started
    return (
        f"jobs run: {jobs} jobs ({plan['batches']} refresh batches), "
        f"server 1: {per_server[1]}, server 2: {per_server[2]}, "
        f"retried: {retried}, records equal to the reference, {seconds:.0f} s"
    )


def blocked_server(monitor, db, holder_pid, cluster):
    """The server whose worker waits on a row the harness holds, with the
    jobs its workers started: (server number, [uuid]), or None. A worker's
    connections bear its server's name (odoo-<pid of the server>: opened
    with what the server read before it forked its workers)."""
    with monitor.cursor() as cr:
        cr.execute(
            """
            SELECT application_name FROM pg_stat_activity
             WHERE datname = %s AND wait_event_type = 'Lock'
               AND wait_event IN ('transactionid', 'tuple')
               AND %s = ANY(pg_blocking_pids(pid))
               AND application_name ~ '^odoo-[0-9]+$'
            """,
            (db, holder_pid),
        )
        servers = {
            cluster.server_of_pid(int(name.split("-")[1])) for (name,) in cr.fetchall()
        }
        cr.execute("SELECT uuid, worker_pid FROM queue_job WHERE state = 'started'")
        started = cr.fetchall()
    for server in servers - {None}:
        uuids = [
            uuid
            for uuid, pid in started
            if pid and cluster.server_of_pid(pid) == server
        ]
        if uuids:
            return server, uuids
    return None


def kill_run(harness, template, expected, plan):
    started = time.monotonic()
    clone_db(template, KILL_DB)
    cluster = Cluster(harness, KILL_DB, "kill")
    holder = connect(KILL_DB, autocommit=False)
    try:
        cluster.start()
        note(f"kill run: cluster up ({time.monotonic() - started:.0f} s)")
        with closing(connect(KILL_DB)) as monitor:
            # A customer of each batch locked: a refresh job writing a row of
            # its own waits on it, with work already done in its transaction.
            with holder.cursor() as cr:
                cr.execute(
                    "SELECT id FROM res_partner WHERE id = ANY(%s) FOR UPDATE",
                    (plan["locked"],),
                )
            cluster.trigger_daily_job()
            deadline = time.monotonic() + 90
            while not (
                found := blocked_server(
                    monitor, KILL_DB, holder.get_backend_pid(), cluster
                )
            ):
                if time.monotonic() > deadline:
                    raise CheckFailed(
                        f"kill run: no job waited on the locked customers: "
                        f"{job_states(monitor)}"
                    )
                time.sleep(0.2)
            victim, victims = found
            for uuid in victims:
                if victim not in cluster.proxy.servers_of(uuid):
                    raise CheckFailed(
                        f"kill run: job {uuid} runs on server {victim}, which the "
                        f"proxy did not send it to ({cluster.proxy.servers_of(uuid)})"
                    )
            cluster.kill_server(victim)
            note(
                f"kill run: server {victim} killed, its job(s) {', '.join(victims)} "
                "waiting mid-job"
            )
            # Released once the runner may take the jobs for dead: their
            # transactions then end, and the next job's progress wakes the
            # runner up to re-queue them.
            with monitor.cursor() as cr:
                cr.execute(
                    "SELECT MIN(EXTRACT(EPOCH FROM now() AT TIME ZONE 'utc' "
                    "- date_enqueued)) FROM queue_job WHERE uuid = ANY(%s)",
                    (victims,),
                )
                age = float(cr.fetchone()[0])
            time.sleep(max(0.0, DEAD_JOB_DELAY + 1 - age))
            holder.rollback()
            jobs = wait_all_done(monitor, cluster, "kill run", harness.args.timeout)
            retried = retried_jobs(monitor)
            check_runs_through_proxy(monitor, cluster, "kill run")
            with monitor.cursor() as cr:
                cr.execute(
                    "SELECT uuid FROM queue_job WHERE uuid = ANY(%s) AND retry < 2",
                    (victims,),
                )
                not_retried = [uuid for (uuid,) in cr.fetchall()]
    finally:
        holder.close()
        cluster.stop()
    requeued = cluster.requeued_dead()
    per_server = cluster.proxy.jobs_per_server()
    compare(expected, fingerprint(KILL_DB), "kill run")
    survivor = 3 - victim
    if not_retried or not requeued:
        raise CheckFailed(
            f"kill run: the jobs of the killed server were not run again "
            f"({', '.join(not_retried)}; re-queued dead jobs: {requeued})"
        )
    for uuid in victims:
        if cluster.proxy.servers_of(uuid)[-1] != survivor:
            raise CheckFailed(
                f"kill run: job {uuid} was not run again by server {survivor}: "
                f"{cluster.proxy.servers_of(uuid)}"
            )
    seconds = time.monotonic() - started
    return (
        f"kill run: {jobs} jobs, server 1: {per_server[1]}, server 2: "
        f"{per_server[2]}, server {victim} killed mid-job, retried: {retried} "
        f"(re-queued dead: {requeued}), records equal to the reference, "
        f"{seconds:.0f} s"
    )


def check(args):
    harness = Harness(args)
    atexit.register(harness.cleanup)
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    harness.write_conf()
    databases = [BOOK_DB, JOBS_TEMPLATE_DB, REFERENCE_DB, JOBS_DB, KILL_DB]
    for db in databases:
        drop_db(db)
    drop_db(f"{BOOK_DB}_tmp")
    started = time.monotonic()
    phase = time.monotonic()

    def timing():
        nonlocal phase
        seconds, phase = time.monotonic() - phase, time.monotonic()
        return f"{seconds:.0f} s"

    try:
        log(f"Scale-out: the book (scale {args.scale}) in {BOOK_DB}")
        building = f"{BOOK_DB}_tmp"
        clone_db(args.cache_db, building)
        with closing(connect(building)) as conn, conn.cursor() as cr:
            cr.execute("UPDATE ir_module_module SET demo = FALSE")
        harness.run_odoo(
            building,
            "-i",
            "collection_queues",
            "--without-demo=all",
            "--stop-after-init",
            log_name="book_install.log",
        )
        harness.generate(building)
        plan = harness.subcommand("prepare", "--db", building)
        (harness.work / "plan.json").write_text(json.dumps(plan))
        rename_db(building, BOOK_DB)
        note(
            f"{plan['placed']} customers in a queue, {plan['promises']} open promises, "
            f"{plan['steps']} steps; {plan['candidates']} customers for the daily job "
            f"({plan['changes']} changes), {plan['batches']} batches of "
            f"{plan['batch_size']}, {len(plan['locked'])} to lock ({timing()})"
        )

        log("Scale-out: the reference (no job queue) and the job queue installed")
        clone_db(BOOK_DB, REFERENCE_DB)
        clone_db(BOOK_DB, JOBS_TEMPLATE_DB)
        command, install_log = harness.odoo(
            JOBS_TEMPLATE_DB,
            "-i",
            "queue_job",
            "--stop-after-init",
            log_name="jobs_install.log",
        )
        install = subprocess.Popen(command, env=harness.env, stderr=subprocess.DEVNULL)
        try:
            ran = harness.subcommand("reference", "--db", REFERENCE_DB)
        finally:
            install.wait()
        if install.returncode:
            raise CheckFailed(f"installing queue_job failed; see {install_log}")
        with closing(connect(JOBS_TEMPLATE_DB)) as conn, conn.cursor() as cr:
            cr.execute(
                "SELECT state FROM ir_module_module "
                "WHERE name = 'collection_queues_queue_job'"
            )
            if cr.fetchone() != ("installed",):
                raise CheckFailed("collection_queues_queue_job was not auto-installed")
        expected = fingerprint(REFERENCE_DB)
        note(
            f"reference: {ran['refresh_batches']} refresh and {ran['steps_batches']} "
            f"steps batches in {ran['seconds']} s; {counts(expected)} ({timing()})"
        )

        log("Scale-out: jobs run (two servers, one job runner)")
        summaries = [jobs_run(harness, JOBS_TEMPLATE_DB, expected, plan)]
        note(f"{summaries[-1]} ({timing()})")

        log("Scale-out: kill run (a server killed mid-job)")
        summaries.append(kill_run(harness, JOBS_TEMPLATE_DB, expected, plan))
        note(f"{summaries[-1]} ({timing()})")
    except CheckFailed as failure:
        print(f"error: {failure}", file=sys.stderr)
        print(
            f"  logs: {harness.work}; databases kept: {', '.join(databases)}",
            file=sys.stderr,
        )
        return 1
    finally:
        harness.cleanup()
    for db in databases:
        drop_db(db)
    for summary in summaries:
        print(summary)
    log(
        f"Scale-out: all runs equal to the reference ({time.monotonic() - started:.0f} s)"
    )
    return 0


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", nargs="?", default="check")
    parser.add_argument("--db")
    parser.add_argument("--cache-db")
    # Big enough for the steps to take more than one job (2,000 entries each).
    parser.add_argument(
        "--scale", type=float, default=float(os.environ.get("SCALE_OUT_SCALE", 0.08))
    )
    var_dir = os.environ.get("VAR_DIR") or str(TOOLS.parent / "var")
    parser.add_argument(
        "--conf", default=os.environ.get("ODOO_CONF") or f"{var_dir}/odoo.conf"
    )
    parser.add_argument("--var-dir", default=f"{var_dir}/scale_out")
    parser.add_argument("--odoo-src", default=os.environ.get("ODOO_SRC"))
    # Servers on PORT and PORT+1, their gevent ports next, the proxy on PORT+4.
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("SCALE_OUT_PORT", 8271))
    )
    # Seconds a run's jobs may take.
    parser.add_argument(
        "--timeout", type=int, default=int(os.environ.get("SCALE_OUT_TIMEOUT", 240))
    )
    args = parser.parse_args()
    if args.action == "prepare":
        prepare(args.db)
    elif args.action == "reference":
        reference(args.db)
    elif args.action == "check":
        if not args.cache_db:
            parser.error("--cache-db is required (tools/scale_out.sh gives it)")
        sys.exit(check(args))
    else:
        parser.error(f"unknown action {args.action}")


if __name__ == "__main__":
    main()
