#!/usr/bin/env bash
# ruff (format and lint) and pylint-odoo's mandatory checks; both must be clean.
source "$(dirname "$0")/common.sh"

[ -x "$VENV/bin/ruff" ] || setup
cd "$REPO_ROOT"
log "Lint: ruff"
"$VENV/bin/ruff" format --check .
"$VENV/bin/ruff" check .
log "Lint: pylint-odoo"
"$VENV/bin/pylint" --rcfile=.pylintrc --score=n collection_queues
