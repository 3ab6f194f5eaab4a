#!/usr/bin/env bash
# Set up what is missing, lint, install the addons in a fresh database, and with
# queue_job and the job queue's bridge in another (the installs must log no
# warning, the translation templates must be up to date), run the tests of pure
# Python with Odoo's own runner, then the whole suite with pytest-odoo in each,
# then Odoo's own module operations on copies of them (tools/operations.sh) and
# the multi-process check of the job queue (tools/scale_out.sh).
# The RPC and browser tests start Odoo's HTTP server: on a port of their own, so
# that a running `make serve` does not stand in the way.
export ODOO_HTTP_PORT="${ODOO_TEST_HTTP_PORT:-8169}"
source "$(dirname "$0")/common.sh"

setup
"$REPO_ROOT/tools/lint.sh"

TEST_DB="${TEST_DB:-cq_test}"
# The bridge to the job queue is tested in a database of its own, with queue_job:
# the other addons are tested as they run without a job queue.
JOB_TEST_DB="${TEST_DB}_jobs"
cache_db=$(ensure_cache_db)

install_clean() {  # DB MODULES
    local install_log="$VAR_DIR/install_$1.log" problems
    log "Installing $2 into a fresh copy of $cache_db ($1)"
    clone_db "$cache_db" "$1"
    odoo -d "$1" -i "$2" --stop-after-init --logfile="$install_log" \
        || die "installing $2 failed; see $install_log"
    # A clean install logs nothing worse than INFO. The one exception: Odoo's
    # warning about running as root, a fact of the machine, not of the addon.
    problems=$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$install_log" \
        | grep -v "Running as user 'root' is a security risk" || true)
    if [ -n "$problems" ]; then
        printf '%s\n' "$problems" >&2
        die "the install logged warnings or errors (full log: $install_log)"
    fi
}
install_clean "$TEST_DB" "$ADDONS_CSV"
install_clean "$JOB_TEST_DB" "$ADDONS_CSV,queue_job,${JOB_ADDONS// /,}"
log "Install clean"

for addon in $ALL_ADDONS; do
    fresh_pot="$VAR_DIR/$addon.pot"
    export_pot "$JOB_TEST_DB" "$addon" "$fresh_pot"
    same_pot "$fresh_pot" "$REPO_ROOT/$addon/i18n/$addon.pot" \
        || die "$addon/i18n/$addon.pot is out of date: run tools/makepot.sh"
done
log "Translation templates up to date"
# Each translation (every i18n/*.po of every addon) translates the whole template:
# nothing missing, fuzzy or obsolete, the placeholders kept.
"$VENV/bin/python" "$REPO_ROOT/tools/check_translations.py" $ALL_ADDONS \
    || die "translations incomplete or out of step with their template (see above)"
log "Translations complete"

log "Odoo's own test runner: the tests of pure Python (tag collection_queues_pure)"
runner_log="$VAR_DIR/odoo_test_runner.log"
rm -f "$runner_log"
odoo -d "$TEST_DB" --test-enable --test-tags=collection_queues_pure --stop-after-init \
    --http-port="$((ODOO_HTTP_PORT + 1))" --logfile="$runner_log" \
    || die "Odoo's test runner failed; see $runner_log"
summary=$(grep -E 'odoo.tests.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$runner_log" | tail -1)
echo "  ${summary#*odoo.tests.result: }" >&2
[[ "$summary" =~ :\ 0\ failed,\ 0\ error\(s\)\ of\ [1-9][0-9]*\ tests ]] \
    || die "Odoo's test runner ran no test or some failed; see $runner_log"

run_pytest() {  # DB ADDONS...: their tests, with pytest's arguments of the command line
    local db="$1" status
    shift
    log "Running the tests of $* (pytest-odoo, $db)"
    set +e
    PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}" "$VENV/bin/python" -m pytest \
        -p no:cacheprovider --odoo-http \
        --odoo-database="$db" --odoo-config="$ODOO_CONF" \
        "${PYTEST_ARGS[@]}" $(for addon in "$@"; do echo "$REPO_ROOT/$addon/tests"; done)
    status=$?
    set -e
    case $status in
        0) log "All tests passed" ;;
        5) die "pytest collected no test" ;;
        *) die "tests failed (pytest exit $status)" ;;
    esac
}
PYTEST_ARGS=("$@")
run_pytest "$TEST_DB" $ADDONS
run_pytest "$JOB_TEST_DB" $JOB_ADDONS

# Odoo's own module operations for real, on copies: upgrading the addon and
# uninstalling the bridge keep every collection record; uninstalling the addon and
# installing it again are clean, with and without demo data.
"$REPO_ROOT/tools/operations.sh" "$TEST_DB" "$JOB_TEST_DB"

# The daily job on the job queue across two servers, one of them killed mid-job,
# gives the books the scheduled actions give without it.
"$REPO_ROOT/tools/scale_out.sh"
