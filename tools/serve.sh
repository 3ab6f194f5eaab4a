#!/usr/bin/env bash
# Set up what is missing, then run Odoo at http://localhost:8069 on a database with
# the addons, the Sales app and their demo data (created on the first run, updated
# when the addons changed since), French loaded. Log in as admin / admin (manager),
# collector / collector, collecteur / collecteur (in French), sales / sales (the
# Sales app only), dispatcher / dispatcher (Field Service only), agent / agent
# (Helpdesk only) or technician / technician (Inventory and Repairs only).
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
addon_hash=$(cd "$REPO_ROOT" && find $ADDONS -type f -not -name '*.pyc' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1)
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
log "Odoo on http://localhost:${ODOO_HTTP_PORT:-8069} (database $DB; admin / admin, collector / collector, collecteur / collecteur, sales / sales, dispatcher / dispatcher, agent / agent, technician / technician)"
odoo -d "$DB" --db-filter="^$DB\$" "${extra[@]}" "$@"
