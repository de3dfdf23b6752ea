# Stewardship: `make run` serves a demo on http://127.0.0.1:8000, `make test` runs everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install run test lint test-sqlite test-postgres lock bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: install
	mkdir -p var
	$(BIN)/steward init
	$(BIN)/steward demo --if-empty
	$(BIN)/steward demo-login
	$(BIN)/steward serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy core admin portal plugins bench

test-sqlite: install
	bash scripts/ensure-system-packages
	mkdir -p var/pytest
	STEWARD_TEST_DATABASE=sqlite $(BIN)/pytest -q --basetemp=var/pytest/sqlite $(PYTEST_ARGS)

test-postgres: install
	bash scripts/ensure-postgres
	bash scripts/ensure-system-packages
	mkdir -p var/pytest
	STEWARD_TEST_DATABASE=postgresql $(BIN)/pytest -q --basetemp=var/pytest/postgresql \
		-p no:cacheprovider $(PYTEST_ARGS)

# The two database passes share nothing (each has its own temporary folder, databases and
# free ports), so they run side by side; each pass's output is printed when it finishes.
test: lint
	bash scripts/ensure-postgres
	bash scripts/ensure-system-packages
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--universal -o requirements.lock

# Benchmarks beside their limits: make bench SCALE=S|M|L [WORKLOAD=import|import_gifts|import_pg|search|api|
# admin|reports|report_pages|writes]; the data is built by WORKLOAD=generate, people, bulk and
# load (cached; at L the first three work in parts: repeat the command until it stops saying
# "not finished"); WORKLOAD=report only rewrites docs/performance.md. Results in bench/results/.
SCALE ?= S
WORKLOAD ?= all
bench: install
	PYTHONPATH=$(CURDIR) $(BIN)/python -m bench --scale $(SCALE) --workload $(WORKLOAD)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
