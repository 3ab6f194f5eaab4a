#!/usr/bin/env bash
# The checks OCA runs on its addons; all must be clean:
# ruff (format and lint), pylint-odoo's mandatory checks, prettier on the XML,
# the licence line of every Python file, README.rst up to date with readme/.
source "$(dirname "$0")/common.sh"

[ -x "$VENV/bin/ruff" ] || setup
ensure_node_tools
cd "$REPO_ROOT"
log "Lint: ruff"
"$VENV/bin/ruff" format --check .
"$VENV/bin/ruff" check .
log "Lint: pylint-odoo"
"$VENV/bin/pylint" --rcfile=.pylintrc --score=n $ALL_ADDONS
log "Lint: prettier (XML)"
for addon in $ALL_ADDONS; do
    node_modules/.bin/prettier --check "$addon/**/*.xml" \
        || die "XML not formatted: run node_modules/.bin/prettier --write '$addon/**/*.xml'"
done
log "Lint: licence lines"
"$VENV/bin/python" tools/licence_headers.py || die "run: python tools/licence_headers.py --fix"
log "Lint: readme"
"$VENV/bin/python" tools/readme.py --check || die "README.rst is not up to date: run python tools/readme.py"
