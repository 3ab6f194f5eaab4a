#!/usr/bin/env bash
# Regenerate each addon's i18n/<addon>.pot from the addon installed in a fresh copy
# of the cached database (or in $POT_DB when given, the addons already installed).
source "$(dirname "$0")/common.sh"

setup
db="${POT_DB:-}"
if [ -z "$db" ]; then
    db=cq_pot
    clone_db "$(ensure_cache_db)" "$db"
    odoo -d "$db" -i "${ALL_ADDONS// /,}" --stop-after-init --logfile="$VAR_DIR/makepot.log" \
        || die "installing $ALL_ADDONS failed; see $VAR_DIR/makepot.log"
fi
for addon in $ALL_ADDONS; do
    export_pot "$db" "$addon" "$REPO_ROOT/$addon/i18n/$addon.pot"
    log "Wrote $addon/i18n/$addon.pot"
done
