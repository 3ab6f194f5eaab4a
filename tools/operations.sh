#!/usr/bin/env bash
# Odoo's own module operations, run for real on throwaway copies of databases full
# of collection data:
#  - with the addons' demo data: upgrading the addon (-u) and uninstalling the
#    bridges (sales, field service, helpdesk, repairs) keep every queue entry,
#    history line, promise to pay and dispute;
#  - with and without demo data: uninstalling the addon logs no warning or error,
#    and installing it again afterwards installs cleanly; with demo data, the
#    demo reuses the records the uninstall left (those accounting keeps) and
#    leaves the books as they were (its year is not replayed twice).
#
#  - with the job queue: after the daily job ran as jobs, upgrading and
#    uninstalling its bridge keep every record.
#
# Usage: tools/operations.sh [INSTALLED_DB [JOBS_DB]]
#   INSTALLED_DB: a database with the addons installed with their demo data, as
#   tools/test.sh makes it (default: one is made from the cached database);
#   JOBS_DB: the same with queue_job and its bridge (default: made likewise).
source "$(dirname "$0")/common.sh"

[ -x "$VENV/bin/python" ] || setup
[ -f "$ODOO_CONF" ] || write_odoo_conf
OPS_DIR="$VAR_DIR/operations"
mkdir -p "$OPS_DIR"
installed_db="${1:-}"
jobs_db="${2:-}"
prefix="${installed_db:-cq_ops}_ops"
started=$SECONDS

odoo_shell() {  # DB LOG, the Python script on stdin (committed only if it says so)
    PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}" "$VENV/bin/python" -m odoo shell \
        -c "$ODOO_CONF" -d "$1" --no-http --logfile="$2"
}

# Fails when an Odoo log has a line worse than INFO (Odoo's warning about running
# as root aside, a fact of the machine).
clean_log() {  # LOG WHAT
    local problems
    problems=$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$1" \
        | grep -v "Running as user 'root' is a security risk" || true)
    if [ -n "$problems" ]; then
        printf '%s\n' "$problems" | cut -c1-300 >&2
        # The exceptions behind them, if any.
        grep -E '^[a-z0-9_.]+\.[A-Za-z]*(Error|Exception): ' "$1" | cut -c1-300 | head -5 >&2 || true
        die "$2 logged warnings or errors (full log: $1)"
    fi
}

# The collection records of a database: how many, and a digest of what makes
# each one (ids, customers, queues, states, dates, amounts, notes).
fingerprint() {  # DB
    psql -d "$1" -tAc "
        SELECT 'entries', COUNT(*), MD5(STRING_AGG(CONCAT_WS(',', id, partner_id,
               profile_id, company_id, state, date_start, date_end), ';' ORDER BY id))
          FROM collection_queue
        UNION ALL
        SELECT 'history lines', COUNT(*), MD5(STRING_AGG(CONCAT_WS(',', id, partner_id,
               company_id, queue_id, activity_type_id, date, note, active), ';' ORDER BY id))
          FROM collection_activity
        UNION ALL
        SELECT 'promises', COUNT(*), MD5(STRING_AGG(CONCAT_WS(',', id, partner_id,
               company_id, state, amount, date), ';' ORDER BY id))
          FROM collection_promise
        UNION ALL
        SELECT 'disputes', COUNT(*), MD5(STRING_AGG(CONCAT_WS(',', id, move_id,
               partner_id, reason_id, state, amount, date, date_closed), ';' ORDER BY id))
          FROM collection_dispute"
}

same_records() {  # DB BEFORE WHAT
    local after
    after=$(fingerprint "$1")
    if [ "$after" != "$2" ]; then
        printf 'before:\n%s\nafter:\n%s\n' "$2" "$after" >&2
        die "$3 changed the collection records of $1"
    fi
}

# The addon's external ids an uninstall left, with their records (name|id), one a
# line: the demo's records accounting keeps (branches, customers, invoices).
kept_records() {  # DB
    psql -d "$1" -tAc "SELECT name || '|' || res_id FROM ir_model_data
                        WHERE module = '$ADDON' ORDER BY name"
}

# The books apart from the demo's invoices: payments, and the other entries.
books() {  # DB
    psql -d "$1" -tAc "
        SELECT 'payments', COUNT(*) FROM account_payment
        UNION ALL
        SELECT 'other entries', COUNT(*) FROM account_move move
         WHERE NOT EXISTS (SELECT FROM ir_model_data WHERE module = '$ADDON'
                             AND model = 'account.move' AND res_id = move.id)"
}

module_state() {  # DB MODULE
    psql -d "$1" -tAc "SELECT state FROM ir_module_module WHERE name = '$2'"
}

upgrade() {  # DB MODULE LOG
    rm -f "$3"
    odoo -d "$1" -u "$2" --stop-after-init --logfile="$3" || die "upgrading $2 failed; see $3"
    clean_log "$3" "upgrading $2 in $1"
}

uninstall() {  # DB MODULE LOG
    odoo_shell "$1" "$3" <<EOF || die "uninstalling $2 failed; see $3"
env["ir.module.module"].search([("name", "=", "$2")]).button_immediate_uninstall()
EOF
    [ "$(module_state "$1" "$2")" = uninstalled ] || die "$2 is still installed in $1"
    clean_log "$3" "uninstalling $2"
}

reinstall() {  # DB LOG
    rm -f "$2"
    odoo -d "$1" -i "$ADDON" --stop-after-init --logfile="$2" \
        || die "installing $ADDON again failed; see $2"
    [ "$(module_state "$1" "$ADDON")" = installed ] || die "$ADDON is not installed in $1"
    [ "$(psql -d "$1" -tAc "SELECT COUNT(*) FROM collection_activity_type WHERE is_system")" -gt 0 ] \
        || die "the system activity types are missing after installing $ADDON again"
    clean_log "$2" "installing $ADDON again"
}

# With the addons' demo data: the database tools/test.sh installed, or a fresh one.
with_demo() {
    local db="${prefix}_demo" before kept books_before missing
    if [ -n "$installed_db" ]; then
        clone_db "$installed_db" "$db"
    else
        clone_db "$(ensure_cache_db)" "$db"
        odoo -d "$db" -i "$ADDONS_CSV" --stop-after-init --logfile="$OPS_DIR/demo_install.log" \
            || die "installing $ADDONS failed; see $OPS_DIR/demo_install.log"
    fi
    before=$(fingerprint "$db")
    [ "$(psql -d "$db" -tAc "SELECT COUNT(*) FROM collection_queue")" -gt 0 ] \
        || die "$db holds no collection data to check"

    upgrade "$db" "$ADDON" "$OPS_DIR/demo_upgrade.log"
    same_records "$db" "$before" "upgrading $ADDON"
    log "Upgrading $ADDON keeps every record ($(tr '\n' ' ' <<<"$before" | cut -c1-120)...)"

    local bridge
    for bridge in $ADDONS; do
        [ "$bridge" = "$ADDON" ] && continue
        rm -f "$OPS_DIR/demo_uninstall_$bridge.log"
        uninstall "$db" "$bridge" "$OPS_DIR/demo_uninstall_$bridge.log"
        same_records "$db" "$before" "uninstalling $bridge"
        log "Uninstalling $bridge keeps every record"
    done

    rm -f "$OPS_DIR/demo_uninstall.log"
    uninstall "$db" "$ADDON" "$OPS_DIR/demo_uninstall.log"
    log "Uninstalling $ADDON with its demo data: clean"
    kept=$(kept_records "$db")
    books_before=$(books "$db")
    reinstall "$db" "$OPS_DIR/demo_reinstall.log"
    [ "$(psql -d "$db" -tAc "SELECT COUNT(*) FROM collection_queue")" -gt 0 ] \
        || die "installing $ADDON again in $db made no demo queue entries"
    missing=$(comm -23 <(sort <<<"$kept") <(kept_records "$db" | sort))
    [ -z "$missing" ] \
        || die "installing $ADDON again did not reuse the records left in $db (name|id): $missing"
    [ "$(books "$db")" = "$books_before" ] \
        || die "installing $ADDON again changed the books of $db: $(books "$db" | tr '\n' ' ')"
    log "Installing $ADDON again (demo data): clean; the $(wc -l <<<"$kept") records left reused, the books as they were"
    drop_db "$db"
}

# Without demo data: a copy of the cached database in which no module has its demo
# data any more, the addons installed into it, then collection data made by hand.
without_demo() {
    local db="${prefix}_nodemo" log_file="$OPS_DIR/nodemo_install.log" before
    clone_db "$(ensure_cache_db)" "$db"
    psql -d "$db" -qc "UPDATE ir_module_module SET demo = FALSE"
    rm -f "$log_file"
    odoo -d "$db" -i "$ADDONS_CSV" --without-demo=all --stop-after-init --logfile="$log_file" \
        || die "installing $ADDONS without demo data failed; see $log_file"
    clean_log "$log_file" "installing $ADDONS without demo data"
    [ "$(psql -d "$db" -tAc "SELECT COUNT(*) FROM collection_profile")" = 0 ] \
        || die "$db has the demo's queues: not a database without demo data"
    odoo_shell "$db" "$OPS_DIR/nodemo_data.log" <<'EOF' || die "making collection data failed; see $OPS_DIR/nodemo_data.log"
from datetime import timedelta

from odoo import Command, fields

today = fields.Date.today()
Profile = env["collection.profile"]
Profile.create({
    "name": "Past due", "auto_sequence": True, "sequence_number": 10,
    "days_past_due_min": 1, "min_amount_past_due": 100,
})
watch = Profile.create({"name": "Watch"})
customers = env["res.partner"].create(
    [{"name": f"Operations customer {n}", "is_company": True} for n in range(4)]
)
for customer in customers:
    env["account.move"].create({
        "move_type": "out_invoice",
        "partner_id": customer.id,
        "invoice_date": today - timedelta(days=40),
        "invoice_date_due": today - timedelta(days=10),
        "invoice_line_ids": [Command.create({
            "name": "Service", "quantity": 1, "price_unit": 500, "tax_ids": [],
        })],
    }).action_post()
Profile.refresh_queues()
call = env["collection.activity.type"].create({"name": "Phone call", "code": "ops_call"})
customers[0].collection_log(call, note="Promised to call back")
customers[1].collection_promise(200.0, today + timedelta(days=5))
customers[2].collection_move_to_queue(watch)
customers[2].collection_remove_from_queue()
assert env["collection.queue"].search_count([]) == 5, "the data was not made"
env.cr.commit()
EOF
    before=$(fingerprint "$db")
    upgrade "$db" "$ADDON" "$OPS_DIR/nodemo_upgrade.log"
    same_records "$db" "$before" "upgrading $ADDON without demo data"
    rm -f "$OPS_DIR/nodemo_uninstall.log"
    uninstall "$db" "$ADDON" "$OPS_DIR/nodemo_uninstall.log"
    log "Upgrading $ADDON without demo data keeps every record; uninstalling it: clean"
    reinstall "$db" "$OPS_DIR/nodemo_reinstall.log"
    log "Installing $ADDON again (no demo data): clean"
    drop_db "$db"
}

# With queue_job: the daily job made into jobs and run (as the job runner would,
# in this process), then the bridge upgraded and uninstalled.
with_job_queue() {
    local db="${prefix}_jobs" before
    if [ -n "$jobs_db" ]; then
        clone_db "$jobs_db" "$db"
    else
        clone_db "$(ensure_cache_db)" "$db"
        odoo -d "$db" -i "$ADDONS_CSV,queue_job,${JOB_ADDONS// /,}" --stop-after-init \
            --logfile="$OPS_DIR/jobs_install.log" \
            || die "installing $JOB_ADDONS failed; see $OPS_DIR/jobs_install.log"
    fi
    odoo_shell "$db" "$OPS_DIR/jobs_daily.log" <<'EOF' || die "running the daily job's jobs failed; see $OPS_DIR/jobs_daily.log"
from odoo.addons.queue_job.job import Job

env["collection.profile"]._cron_refresh_queues()
assert env["queue.job"].search_count([("channel", "=", "root.collection_queues")])
for _round in range(10):
    for record in env["queue.job"].search([("state", "=", "pending")], order="id"):
        job = Job.load(env, record.uuid)
        job.perform()
        job.set_done()
        job.store()
        env.flush_all()
        job.enqueue_waiting()
assert not env["queue.job"].search_count([("state", "!=", "done")]), "jobs left"
env.cr.commit()
EOF
    before=$(fingerprint "$db")
    upgrade "$db" "$JOB_ADDONS" "$OPS_DIR/jobs_upgrade.log"
    same_records "$db" "$before" "upgrading $JOB_ADDONS"
    rm -f "$OPS_DIR/jobs_uninstall.log"
    uninstall "$db" "$JOB_ADDONS" "$OPS_DIR/jobs_uninstall.log"
    same_records "$db" "$before" "uninstalling $JOB_ADDONS"
    log "The daily job through the job queue, then upgrading and uninstalling $JOB_ADDONS: clean, every record kept"
    drop_db "$db"
}

log "Odoo's module operations on copies of databases full of collection data"
# The databases are independent: checked side by side.
with_demo &
demo_pid=$!
without_demo &
nodemo_pid=$!
with_job_queue &
jobs_pid=$!
demo_status=0 nodemo_status=0 jobs_status=0
wait "$demo_pid" || demo_status=$?
wait "$nodemo_pid" || nodemo_status=$?
wait "$jobs_pid" || jobs_status=$?
[ "$demo_status" = 0 ] && [ "$nodemo_status" = 0 ] && [ "$jobs_status" = 0 ] \
    || die "Odoo's module operations lose collection data or log errors (logs: $OPS_DIR)"
log "Odoo's module operations: all clean ($((SECONDS - started)) s)"
