# Saywho: `make run` opens the GUI on the sample project; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint typecheck bench screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/python main.py

test: $(STAMP_TEST)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q $(PYTEST_ARGS)

# ruff over the tree, mypy over every package (pyproject's [tool.mypy] files); the
# import contracts (layers, no Qt in the core) are tests/test_layers.py, run by `make test`
lint: $(STAMP_TEST)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP_TEST)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/import_bench.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/gui_bench.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/export_bench.py
	$(BIN)/python bench/edit_rate.py
	$(BIN)/python bench/soak.py

screenshot: $(STAMP_RUN)
	QT_QPA_PLATFORM=offscreen $(BIN)/python resources/make_screenshots.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python resources/make_curation_screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
