# weframe: `make run` serves the app, `make test` runs every test. Only python3 and make are needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The engine compiled with mypyc (about 1.5x faster). Used only while it matches the sources
# (app/native.py); without a C compiler the build says so and the engine stays plain Python.
NATIVE := build/native/manifest.json

.PHONY: run test lint bench check-data score format clean native weights

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NATIVE): $(wildcard app/engine/*.py) app/native.py scripts/build_native.py | $(STAMP)
	$(BIN)/python scripts/build_native.py

native: $(NATIVE)

run: $(STAMP) $(NATIVE)
	$(BIN)/weframe serve

# Every test on the engine as it runs (compiled when built), then the engine's own tests
# again as plain Python, the way it runs wherever it is not compiled.
test: $(STAMP) lint $(NATIVE)
	$(BIN)/python -m pytest -q
	WEFRAME_PURE=1 $(BIN)/python -m pytest -q tests/engine

lint: $(STAMP)
	$(BIN)/ruff check app tests scripts
	$(BIN)/ruff format --check app tests scripts
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format app tests scripts
	$(BIN)/ruff check --fix app tests scripts

bench: $(STAMP) $(NATIVE)
	$(BIN)/python scripts/bench.py

check-data: $(STAMP)
	$(BIN)/python scripts/check_data.py

# Refit the weighted lexicons (data/weighted/*.toml) after changing any rule, cue or phrase
# example; a test fails while they are stale.
weights: $(STAMP)
	$(BIN)/python scripts/fit_weights.py

score: $(STAMP)
	$(BIN)/python ../shared/eval/score.py --show-misses

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .hypothesis .schemathesis
