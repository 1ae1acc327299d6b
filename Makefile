# The project's interface: run, test, playground, bench, package.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# Declared dependencies (pyproject.toml [tool.deptry]): the product strictly, then the tests and
# benchmarks too, where only undeclared and merely transitive imports count.
DEPTRY := $(BIN)/deptry . && $(BIN)/deptry . --exclude '\.venv' --ignore DEP002,DEP004

.PHONY: run test lint playground bench mutation card-screenshots package icons clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

## Start the bot on http://127.0.0.1:3978 with SQLite under data/ (no Azure, no tenant needed).
run: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m bot

## Lint, type-check, check the package layering and the declared dependencies, and run every test
## tier (unit, HTTP scenarios, Playground end-to-end) on SQLite; with WASSTRAAT_TEST_POSTGRES (an
## admin URL, as .ci/run sets) the storage-touching tiers run again on PostgreSQL.
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(DEPTRY)
	env -u WASSTRAAT_TEST_POSTGRES $(BIN)/python -m pytest
	@if [ -n "$${WASSTRAAT_TEST_POSTGRES:-}" ]; then \
		echo "== the same tests on PostgreSQL"; \
		$(BIN)/python -m pytest tests/unit tests/scenario tests/replicas tests/chaos \
			tests/security/test_authentication.py tests/tab/test_api.py; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(DEPTRY)

## Open Microsoft 365 Agents Playground against a running bot (start `make run` first).
playground: $(NODE_STAMP)
	TEAMSAPPTESTER_BROWSER=none npx --no-install agentsplayground \
		-e http://127.0.0.1:3978/api/messages -c msteams --dt -p 56150

clean:
	rm -rf $(VENV) node_modules data artifacts dist .pytest_cache .mypy_cache .ruff_cache \
		.import_linter_cache

## Benchmarks (each figure a ratio against a baseline measured in the same run); prints a table
## and writes bench/latest.json. Measures PostgreSQL too when .ci/postgres.sh can start it (or
## WASSTRAAT_TEST_POSTGRES names one).
bench: $(STAMP)
	@pg="$${WASSTRAAT_TEST_POSTGRES:-}"; \
	if [ -z "$$pg" ]; then pg=$$(bash .ci/postgres.sh 2>/dev/null) || pg=""; fi; \
	if [ -z "$$pg" ]; then echo "PostgreSQL could not be started: SQLite only"; fi; \
	WASSTRAAT_BENCH_POSTGRES="$$pg" $(BIN)/python -m bench

## Mutation testing of the pure workflow package wasstraat/ against the engine tests (slow: about
## two hours on two cores). Prints the count per outcome; `mutmut results` lists the survivors.
mutation: $(STAMP)
	$(BIN)/mutmut run --max-children $${MUTATION_JOBS:-2}

## Re-render the card screenshots in docs/cards/ (official renderer, Teams styling, headless Chromium).
card-screenshots: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m tests.tools.render_cards docs/cards

## Build the Teams app package dist/wasstraat-<version>.zip from the settings (MICROSOFT_APP_ID,
## WASSTRAAT_PUBLIC_DOMAIN, ...; see README), checked against the official manifest schema first.
package: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m manifest.build

## Redraw the app icons in manifest/icons/ (a test keeps the committed PNGs equal to the drawing).
icons: $(STAMP)
	$(BIN)/python -m manifest.icons
