#!/usr/bin/env bash
# The daily job on OCA's job queue across two Odoo servers and a job runner,
# with and without a server killed mid-job, against the same job without a job
# queue (see tools/scale_out.py). Usage: tools/scale_out.sh [--scale S]
source "$(dirname "$0")/common.sh"

[ -x "$VENV/bin/python" ] || setup
[ -f "$ODOO_CONF" ] || write_odoo_conf
cache_db=$(ensure_cache_db)
PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}" "$VENV/bin/python" "$REPO_ROOT/tools/scale_out.py" \
    --cache-db "$cache_db" --conf "$ODOO_CONF" --odoo-src "$ODOO_SRC" \
    --var-dir "$VAR_DIR/scale_out" "$@" \
    || die "the daily job on the job queue does not give the books it gives without (logs: $VAR_DIR/scale_out)"
