#!/usr/bin/env bash
# Set up what is missing, then run Odoo at http://localhost:8069 on a database with
# the addon and its demo data (created on the first run, updated when the addon
# changed since). Log in as admin / admin, or collector / collector.
source "$(dirname "$0")/common.sh"

setup
DB="${ODOO_DB:-collection_queues}"
stamp="$VAR_DIR/$DB.addon.sha1"
addon_hash=$(find "$REPO_ROOT/$ADDON" -type f -not -name '*.pyc' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1)
extra=()
if ! db_exists "$DB"; then
    log "Creating the database $DB with $ADDON and its demo data"
    clone_db "$(ensure_cache_db)" "$DB"
    odoo -d "$DB" -i "$ADDON" --stop-after-init --logfile="$VAR_DIR/serve_install.log" \
        || die "installing $ADDON failed; see $VAR_DIR/serve_install.log"
    echo "$addon_hash" >"$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$addon_hash" ]; then
    log "The addon changed since $DB was last updated: updating it on start"
    extra=(-u "$ADDON")
    echo "$addon_hash" >"$stamp"
fi
log "Odoo on http://localhost:${ODOO_HTTP_PORT:-8069} (database $DB; admin / admin)"
odoo -d "$DB" --db-filter="^$DB\$" "${extra[@]}" "$@"
