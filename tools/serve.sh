#!/usr/bin/env bash
# Set up what is missing, then run Odoo at http://localhost:8069 on a database with
# the addons, the Sales app and their demo data (created on the first run, updated
# when the addons changed since), French loaded. Log in as admin / admin (manager),
# collector / collector, collecteur / collecteur (in French), sales / sales (the
# Sales app only), dispatcher / dispatcher (Field Service only), agent / agent
# (Helpdesk only) or technician / technician (Inventory and Repairs only).
#
# CQ_QUEUE_JOB=1: with OCA's job queue (queue_job and the bridge, installed on the
# first such start): Odoo in workers mode with queue_job loaded server-wide, its
# job runner started by the server (channels: ODOO_QUEUE_JOB_CHANNELS, default
# root:2,root.collection_queues:2; ODOO_WORKERS workers, default 4); the jobs are
# under Job Queue > Jobs. In workers mode the web client's live updates need its
# websocket on the gevent port (8072): behind a reverse proxy, as in production.
# Once the bridge is in the database, queue_job is loaded server-wide (and its
# runner started) on every start, in workers mode with CQ_QUEUE_JOB=1 only.
source "$(dirname "$0")/common.sh"

setup
DB="${ODOO_DB:-collection_queues}"
# The Sales app (sale_management) besides the cached database's sale, for the demo's
# salesperson; French for its French-speaking collector: every module's terms,
# loaded once when the database is created (seconds). The test database has French
# active too, with the addons' own terms only.
SERVE_MODULES="$ADDONS_CSV,sale_management"
SERVE_LANGS="fr_FR"
stamp="$VAR_DIR/$DB.addon.sha1"
addon_hash=$(cd "$REPO_ROOT" && find $ALL_ADDONS -type f -not -name '*.pyc' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1)
extra=()
if ! db_exists "$DB"; then
    log "Creating the database $DB with $SERVE_MODULES and their demo data ($SERVE_LANGS loaded)"
    clone_db "$(ensure_cache_db)" "$DB"
    odoo -d "$DB" -i "$SERVE_MODULES" --load-language="$SERVE_LANGS" --stop-after-init \
        --logfile="$VAR_DIR/serve_install.log" \
        || die "installing $SERVE_MODULES failed; see $VAR_DIR/serve_install.log"
    echo "$addon_hash" >"$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$addon_hash" ]; then
    log "The addons changed since $DB was last updated: updating them on start"
    extra=(-u "$ADDONS_CSV")
    echo "$addon_hash" >"$stamp"
fi
server=()
installed=$(psql -d "$DB" -tAc "select 1 from ir_module_module where name = '$JOB_ADDONS' and state = 'installed'")
if [ "${CQ_QUEUE_JOB:-0}" = 1 ] && [ "$installed" != 1 ]; then
    log "Installing queue_job and $JOB_ADDONS into $DB"
    odoo -d "$DB" -i "queue_job,${JOB_ADDONS// /,}" --stop-after-init \
        --logfile="$VAR_DIR/serve_install.log" \
        || die "installing queue_job failed; see $VAR_DIR/serve_install.log"
    installed=1
elif [ "$installed" = 1 ] && [ ${#extra[@]} -gt 0 ]; then
    extra=(-u "$ADDONS_CSV,${JOB_ADDONS// /,}")
fi
if [ "$installed" = 1 ]; then
    # The jobs the daily job makes need a job runner: queue_job loaded
    # server-wide starts one in the server, whatever CQ_QUEUE_JOB says.
    export ODOO_QUEUE_JOB_CHANNELS="${ODOO_QUEUE_JOB_CHANNELS:-root:2,root.collection_queues:2}"
    server=(--load=base,web,queue_job)
    if [ "${CQ_QUEUE_JOB:-0}" = 1 ]; then
        # More workers than jobs at once: a job printing letters asks a free
        # worker for the report's stylesheets.
        server+=(--workers="${ODOO_WORKERS:-4}")
    fi
    log "With the job queue ($ODOO_QUEUE_JOB_CHANNELS)"
fi
log "Odoo on http://localhost:${ODOO_HTTP_PORT:-8069} (database $DB; admin / admin, collector / collector, collecteur / collecteur, sales / sales, dispatcher / dispatcher, agent / agent, technician / technician)"
odoo -d "$DB" --db-filter="^$DB\$" "${server[@]}" "${extra[@]}" "$@"
