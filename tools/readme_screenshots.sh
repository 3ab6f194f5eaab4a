#!/usr/bin/env bash
# The README's screenshots, taken from the running demo (`make serve`) in headless
# Chromium as the demo's administrator: the queues overview, a queue, a customer's
# banner and Collections tab, an entry with a promise to pay, the refresh preview.
#   tools/readme_screenshots.sh        (ODOO_DB, BASE_URL to point elsewhere)
source "$(dirname "$0")/common.sh"

DB="${ODOO_DB:-collection_queues}"
BASE_URL="${BASE_URL:-http://localhost:${ODOO_HTTP_PORT:-8069}}"
out="$REPO_ROOT/collection_queues/static/description"
partner=$(psql -d "$DB" -tAc "select id from res_partner where name = 'Harbor Dental Group' order by id limit 1")
[ -n "$partner" ] || die "the demo customer Harbor Dental Group is not in $DB"
entry=$(psql -d "$DB" -tAc "select id from collection_queue where partner_id = $partner and state = 'open'")
shot() {  # url file
    "$VENV/bin/python" "$REPO_ROOT/tools/screenshot.py" --base-url "$BASE_URL" --db "$DB" \
        --settle "${SETTLE:-15}" "$1" "$out/$2" >/dev/null
    log "Wrote collection_queues/static/description/$2"
}
shot "/odoo/action-collection_queues.action_collection_overview" overview.png
shot "/odoo/action-collection_queues.action_collection_queue" queue.png
shot "/odoo/res.partner/$partner|click=Collections" partner.png
shot "/odoo/action-collection_queues.action_collection_queue/$entry" entry.png
shot "/odoo/action-collection_queues.action_collection_overview|click=Refresh Queues" refresh_preview.png
