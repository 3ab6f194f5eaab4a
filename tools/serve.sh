#!/usr/bin/env bash
# Set up what is missing, then run Odoo at http://localhost:8069 on a database with
# the addons, Sales and their demo data (created on the first run, updated when
# the addons changed since). Log in as admin / admin, or collector / collector.
source "$(dirname "$0")/common.sh"

setup
DB="${ODOO_DB:-collection_queues}"
stamp="$VAR_DIR/$DB.addon.sha1"
addon_hash=$(cd "$REPO_ROOT" && find $ADDONS -type f -not -name '*.pyc' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1)
extra=()
if ! db_exists "$DB"; then
    log "Creating the database $DB with $ADDONS_CSV and their demo data"
    clone_db "$(ensure_cache_db)" "$DB"
    odoo -d "$DB" -i "$ADDONS_CSV" --stop-after-init --logfile="$VAR_DIR/serve_install.log" \
        || die "installing $ADDONS_CSV failed; see $VAR_DIR/serve_install.log"
    echo "$addon_hash" >"$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$addon_hash" ]; then
    log "The addons changed since $DB was last updated: updating them on start"
    extra=(-u "$ADDONS_CSV")
    echo "$addon_hash" >"$stamp"
fi
log "Odoo on http://localhost:${ODOO_HTTP_PORT:-8069} (database $DB; admin / admin)"
odoo -d "$DB" --db-filter="^$DB\$" "${extra[@]}" "$@"
