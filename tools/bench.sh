#!/usr/bin/env bash
# Benchmark of the sequencing refresh (see tools/bench.py). Usage:
#   tools/bench.sh [SCALE]      SCALE 1 (default) = 100,000 customers, 1,000,000 items
# Prints one JSON line with every figure, the ratios measured side by side (the
# median of interleaved pairs and their spread) and whether each budget is met.
source "$(dirname "$0")/common.sh"

SCALE="${1:-1}"
setup
export ODOO_CONF
key=$(printf '%s' "$SCALE" | tr -c '0-9' '_')
template="cq_bench_data_${key}"
run_db="cq_bench_run_${key}"
bench() { PYTHONPATH="$ODOO_SRC" "$VENV/bin/python" "$REPO_ROOT/tools/bench.py" "$@"; }

if ! db_exists "$template"; then
    log "Generating the benchmark book (scale $SCALE) in $template"
    clone_db "$(ensure_cache_db)" "${template}_tmp"
    odoo -d "${template}_tmp" -i "$ADDON" --without-demo=all --stop-after-init \
        --logfile="$VAR_DIR/bench_install.log" || die "install failed, see $VAR_DIR/bench_install.log"
    bench generate --db "${template}_tmp" --scale "$SCALE"
    psql -d postgres -qc "alter database \"${template}_tmp\" rename to \"$template\""
    mv "$(filestore_dir "${template}_tmp")" "$(filestore_dir "$template")" 2>/dev/null || true
fi
postings_template="cq_bench_postings_${POSTINGS:=${BENCH_POSTINGS:-1000}}"
if ! db_exists "$postings_template"; then
    log "Generating the posting company ($POSTINGS customers) in $postings_template"
    clone_db "$(ensure_cache_db)" "${postings_template}_tmp"
    odoo -d "${postings_template}_tmp" -i "$ADDON" --without-demo=all --stop-after-init \
        --logfile="$VAR_DIR/bench_install.log" || die "install failed, see $VAR_DIR/bench_install.log"
    BENCH_POSTINGS=$POSTINGS bench generate-postings --db "${postings_template}_tmp"
    psql -d postgres -qc "alter database \"${postings_template}_tmp\" rename to \"$postings_template\""
fi
log "Fresh copy of the benchmark book"
clone_db "$template" "$run_db"
psql -d "$run_db" -qc "VACUUM ANALYZE"

declare -A out
run_phase() {  # company tag phase
    log "$1: $3"
    out["$2_$3"]=$(bench measure --db "$run_db" --phase "$3" --company "$1" 2>>"$VAR_DIR/bench.log") \
        || die "the $3 phase failed; see $VAR_DIR/bench.log"
    echo "  ${out[$2_$3]}" >&2
}
for phase in first steady changed; do
    run_phase "Bench small" small "$phase"
done
for phase in first steady changed daily screens bulk letters promises steps disputes kpis; do
    run_phase "Bench" big "$phase"
done
# The daily job through the job queue, against the scheduled actions in one process:
# the big book placed, in a copy with queue_job (and so its bridge) installed.
clone_db "$run_db" cq_bench_run_jobs
odoo -d cq_bench_run_jobs -i queue_job --stop-after-init --logfile="$VAR_DIR/bench_install.log" \
    || die "installing queue_job failed, see $VAR_DIR/bench_install.log"
log "Bench: jobs"
out[big_jobs]=$(bench measure --db cq_bench_run_jobs --phase jobs --company Bench 2>>"$VAR_DIR/bench.log") \
    || die "the jobs phase failed; see $VAR_DIR/bench.log"
echo "  ${out[big_jobs]}" >&2
# Posting and paying through the ORM, in a database without the big book.
clone_db "$postings_template" cq_bench_run_postings
log "Bench postings: posting"
out[big_posting]=$(BENCH_POSTINGS=$POSTINGS bench measure --db cq_bench_run_postings \
    --phase posting --company "Bench postings" 2>>"$VAR_DIR/bench.log") \
    || die "the posting phase failed; see $VAR_DIR/bench.log"
echo "  ${out[big_posting]}" >&2

"$VENV/bin/python" - "$SCALE" <<PY
import json, sys
r = {k: json.loads(v) for k, v in {
    "small_first": '''${out[small_first]}''', "small_steady": '''${out[small_steady]}''',
    "small_changed": '''${out[small_changed]}''',
    "big_first": '''${out[big_first]}''', "big_steady": '''${out[big_steady]}''',
    "big_changed": '''${out[big_changed]}''', "big_daily": '''${out[big_daily]}''',
    "big_posting": '''${out[big_posting]}''', "big_screens": '''${out[big_screens]}''',
    "big_bulk": '''${out[big_bulk]}''', "big_letters": '''${out[big_letters]}''',
    "big_promises": '''${out[big_promises]}''', "big_kpis": '''${out[big_kpis]}''',
    "big_steps": '''${out[big_steps]}''', "big_disputes": '''${out[big_disputes]}''',
    "big_jobs": '''${out[big_jobs]}''',
}.items()}
first, steady, changed = r["big_first"], r["big_steady"], r["big_changed"]
daily, posting = r["big_daily"], r["big_posting"]
print(json.dumps({
    "scale": float(sys.argv[1]),
    "floor_s": steady["floor_s"],
    "first_refresh_s": first["seconds"],
    "first_refresh_added": first["added"],
    "steady_refresh_s": steady["seconds"],
    "steady_changes": sum(steady[k] for k in ("added", "moved", "removed")),
    "steady_ratio_to_floor": steady["ratio_to_floor"],
    "first_ratio_to_floor": first["ratio_to_floor"],
    "changed_1000_s": changed["seconds"],
    "changed_1000_result": {k: changed[k] for k in ("added", "moved", "removed", "unchanged")},
    "daily_job": daily,
    "posting_overhead": posting,
    "queries": {
        phase: {"customers_10pct": r[f"small_{phase}"]["queries"], "customers_100pct": r[f"big_{phase}"]["queries"]}
        for phase in ("first", "steady", "changed")
    },
    "peak_memory_mb": {k: r[f"big_{k}"]["memory_mb"] for k in ("first", "steady", "changed", "daily")},
    "screens": {k: v for k, v in r["big_screens"].items() if k != "memory_mb"},
    "bulk_actions": {k: v for k, v in r["big_bulk"].items() if k != "memory_mb"},
    "letters": r["big_letters"],
    "promises": r["big_promises"],
    "steps": r["big_steps"],
    "disputes": r["big_disputes"],
    "kpis_year": r["big_kpis"],
    "daily_job_through_job_queue": r["big_jobs"],
    "budgets_met": {
        "steady_under_3x_floor": steady["ratio_to_floor"]["ratio_median"] < 3,
        "steady_under_5s": steady["seconds"] < 5,
        "first_under_30s": first["seconds"] < 30,
        "changed_1000_under_1s": changed["seconds"] < 1,
        "daily_job_under_3x_steady": daily["ratio_to_steady"]["ratio_median"] < 3,
        "posting_at_most_5pct_slower": posting["ratio_on_to_off"]["ratio_median"] <= 1.05,
        "letters_pdf_under_60s": r["big_letters"]["print_one_pdf_s"] < 60,
        "letters_emails_under_60s": r["big_letters"]["email_queued_s"] < 60,
        "promises_judged_within_3x_floor": r["big_promises"]["ratio_to_floor"]["ratio_median"] < 3,
        "promises_recorded_within_3x_floor": r["big_promises"]["record_ratio_to_floor"]["ratio_median"] < 3,
        "steps_daily_under_5s": r["big_steps"]["next_day"]["seconds"] < 5,
        "steady_with_disputes_under_3x_floor": r["big_disputes"]["ratio_to_floor"]["ratio_median"] < 3,
        "step_emails_1000_under_60s": r["big_steps"]["emails"]["seconds"] < 60,
        "kpis_year_under_5s": r["big_kpis"]["seconds"] < 5,
        "daily_jobs_within_1_5x_cron": r["big_jobs"]["ratio_to_cron"]["ratio_median"] <= 1.5,
        "daily_jobs_enqueued_under_1s": r["big_jobs"]["enqueue_s_max"] < 1,
    },
}))
PY
