# Two commands on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint format snapshot migration soak bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(INSTALLED)

# The demo council lives in demo/ (gitignored), as of a day in the 2030 filing window.
DEMO_DIR := demo
DEMO := --db $(DEMO_DIR)/transition.db --today 2030-05-20

demo: $(INSTALLED)
	$(BIN)/transition calendar --next
	$(BIN)/transition rules
	$(BIN)/python -m transition.cli.sample $(DEMO_DIR)
	$(BIN)/transition status $(DEMO)
	$(BIN)/transition checklist "Ward 13 Councillor" $(DEMO)
	@echo "Printed documents and the calendar feed:"
	$(BIN)/transition render checklist --all --combined -o $(DEMO_DIR)/checklists.html $(DEMO)
	$(BIN)/transition render checklist --all --combined -o $(DEMO_DIR)/checklists.pdf $(DEMO)
	$(BIN)/transition render reminders -o $(DEMO_DIR)/reminders.html $(DEMO)
	$(BIN)/transition render reminders -o $(DEMO_DIR)/reminders.pdf $(DEMO)
	$(BIN)/transition render overview -o $(DEMO_DIR)/overview.html $(DEMO)
	$(BIN)/transition render overview -o $(DEMO_DIR)/overview.pdf $(DEMO)
	$(BIN)/transition render signoff "Ward 19 Councillor" -o $(DEMO_DIR)/signoff-ward-19.html $(DEMO)
	$(BIN)/transition render signoff "Ward 19 Councillor" -o $(DEMO_DIR)/signoff-ward-19.pdf $(DEMO)
	$(BIN)/transition export ics --all -o $(DEMO_DIR)/due-dates.ics $(DEMO)
	@echo "Today's reminders, as the offices and the clerk would get them:"
	$(BIN)/transition remind --outbox $(DEMO_DIR)/outbox $(DEMO)

# Two workers: the suite spends most of its time waiting on subprocesses.
# Bytecode first, as for bench: every console script the tests start would
# otherwise compile the package anew where PYTHONDONTWRITEBYTECODE is set.
test: lint
	$(BIN)/python -m compileall -q transition migrations
	$(BIN)/pytest -q -n 2 --durations=10

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every everyday command timed at council and province scale, against the
# import baselines; writes bench-results.json to compare runs.
# Bytecode first, as an installed wheel has it (pip compiles on install), even
# where PYTHONDONTWRITEBYTECODE keeps Python from writing it for a checkout.
bench: $(INSTALLED)
	$(BIN)/python -m compileall -q transition migrations
	$(BIN)/python scripts/bench.py

# The reliability trials, run long: one line of figures per promise.
soak: $(INSTALLED)
	$(BIN)/python scripts/soak.py

# Rewrite the committed snapshot of every regular election to 2100; review
# the diff before committing it.
snapshot: $(INSTALLED)
	$(BIN)/python scripts/snapshot_elections.py

# Write a new Alembic migration for a change to transition/store/models.py.
SCRATCH := .migration-scratch.db
migration: $(INSTALLED)
	rm -f $(SCRATCH)*
	$(BIN)/python -c "from pathlib import Path; from transition.store.backends.sqlite import open_database; open_database(Path('$(SCRATCH)')).dispose()"
	$(BIN)/alembic -c migrations/alembic.ini -x db=$(SCRATCH) revision --autogenerate -m "$(MESSAGE)"
	rm -f $(SCRATCH)*

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .hypothesis
