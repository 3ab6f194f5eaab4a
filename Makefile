# The project's commands; each sets up what it needs first (see tools/common.sh).
.PHONY: serve test lint bench

serve:  ## Odoo with the addon and its demo data on http://localhost:8069
	tools/serve.sh

test:  ## lint, clean install, the whole test suite
	tools/test.sh

lint:  ## ruff and pylint-odoo
	tools/lint.sh

bench:  ## the refresh benchmark (SCALE=0.1 for a smaller book)
	tools/bench.sh $(or $(SCALE),1)
