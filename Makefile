# weframe: `make run` serves the app, `make test` runs every test. Only python3 and make are needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench check-data score format clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/weframe serve

test: $(STAMP) lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check app tests scripts
	$(BIN)/ruff format --check app tests scripts
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format app tests scripts
	$(BIN)/ruff check --fix app tests scripts

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

check-data: $(STAMP)
	$(BIN)/python scripts/check_data.py

score: $(STAMP)
	$(BIN)/python ../shared/eval/score.py --show-misses

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .schemathesis
