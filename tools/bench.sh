#!/usr/bin/env bash
# Benchmark of the sequencing refresh (see tools/bench.py). Usage:
#   tools/bench.sh [SCALE]      SCALE 1 (default) = 100,000 customers, 1,000,000 items
# Prints one JSON line with every figure and the ratios to the floor.
source "$(dirname "$0")/common.sh"

SCALE="${1:-1}"
setup
export ODOO_CONF
key=$(printf '%s' "$SCALE" | tr -c '0-9' '_')
template="cq_bench_data_${key}"
run_db="cq_bench_run"
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
log "Fresh copy of the benchmark book"
clone_db "$template" "$run_db"
psql -d "$run_db" -qc "VACUUM ANALYZE"

declare -A out
for company in "Bench small" "Bench"; do
    tag=$([ "$company" = "Bench" ] && echo big || echo small)
    for phase in floor first steady changed screens; do
        log "$company: $phase"
        out["${tag}_${phase}"]=$(bench measure --db "$run_db" --phase "$phase" --company "$company" 2>>"$VAR_DIR/bench.log")
        echo "  ${out[${tag}_${phase}]}" >&2
    done
done

"$VENV/bin/python" - "$SCALE" <<PY
import json, sys
r = {k: json.loads(v) for k, v in {
    "small_floor": '''${out[small_floor]}''', "small_first": '''${out[small_first]}''',
    "small_steady": '''${out[small_steady]}''', "small_changed": '''${out[small_changed]}''',
    "big_floor": '''${out[big_floor]}''', "big_first": '''${out[big_first]}''',
    "big_steady": '''${out[big_steady]}''', "big_changed": '''${out[big_changed]}''',
    "big_screens": '''${out[big_screens]}''',
}.items()}
floor = r["big_floor"]["seconds"]
print(json.dumps({
    "scale": float(sys.argv[1]),
    "floor_s": floor,
    "first_refresh_s": r["big_first"]["seconds"],
    "first_refresh_added": r["big_first"]["added"],
    "steady_refresh_s": r["big_steady"]["seconds"],
    "steady_changes": sum(r["big_steady"][k] for k in ("added", "moved", "removed")),
    "changed_1000_s": r["big_changed"]["seconds"],
    "changed_1000_result": {k: r["big_changed"][k] for k in ("added", "moved", "removed", "unchanged")},
    "ratio_first_to_floor": round(r["big_first"]["seconds"] / floor, 2),
    "ratio_steady_to_floor": round(r["big_steady"]["seconds"] / floor, 2),
    "ratio_changed_to_floor": round(r["big_changed"]["seconds"] / floor, 2),
    "queries": {
        "first": {"customers_10pct": r["small_first"]["queries"], "customers_100pct": r["big_first"]["queries"]},
        "steady": {"customers_10pct": r["small_steady"]["queries"], "customers_100pct": r["big_steady"]["queries"]},
        "changed_1000": {"customers_10pct": r["small_changed"]["queries"], "customers_100pct": r["big_changed"]["queries"]},
    },
    "peak_memory_mb": {k: r[f"big_{k}"]["memory_mb"] for k in ("first", "steady", "changed")},
    "screens": {k: v for k, v in r["big_screens"].items() if k != "memory_mb"},
}))
PY
