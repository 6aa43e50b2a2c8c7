# Two commands on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint format snapshot clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(INSTALLED)

demo: $(INSTALLED)
	$(BIN)/transition calendar --next
	$(BIN)/transition rules

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

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .hypothesis
