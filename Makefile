# Two commands on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint format snapshot migration clean

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
	$(BIN)/python scripts/demo.py $(DEMO_DIR)
	$(BIN)/transition status $(DEMO)
	$(BIN)/transition checklist "Ward 13 Councillor" $(DEMO)

test: lint
	$(BIN)/pytest -q

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Rewrite the committed snapshot of every regular election to 2100; review
# the diff before committing it.
snapshot: $(INSTALLED)
	$(BIN)/python scripts/snapshot_elections.py

# Write a new Alembic migration for a change to transition/models.py.
SCRATCH := .migration-scratch.db
migration: $(INSTALLED)
	rm -f $(SCRATCH)*
	$(BIN)/python -c "from pathlib import Path; from transition.database import open_database; open_database(Path('$(SCRATCH)')).dispose()"
	$(BIN)/alembic -c migrations/alembic.ini -x db=$(SCRATCH) revision --autogenerate -m "$(MESSAGE)"
	rm -f $(SCRATCH)*

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .hypothesis
