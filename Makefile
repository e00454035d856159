# Saywho: `make run` opens the GUI on the sample project; `make test` runs the suite;
# `make bundle` builds the standalone folder (PyInstaller), `make bundle-test` checks it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
# the bundle is built in its own venv holding only the run-time dependencies
BUNDLE_VENV := .venv-bundle
STAMP_BUNDLE := $(BUNDLE_VENV)/.installed-bundle
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' saywho/__init__.py)
BUNDLE_NAME := Saywho-$(VERSION)-$(shell uname -s | tr A-Z a-z)-$(shell uname -m)

.PHONY: run test lint typecheck bench screenshot clean bundle bundle-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,suggest]'
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
	QT_QPA_PLATFORM=offscreen $(BIN)/python docs/make_screenshots.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python docs/make_curation_screenshots.py

$(STAMP_BUNDLE): pyproject.toml
	$(PYTHON) -m venv $(BUNDLE_VENV)
	$(BUNDLE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BUNDLE_VENV)/bin/python -m pip install --quiet '.[bundle]'
	touch $@

bundle: $(STAMP_BUNDLE)
	$(BUNDLE_VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist \
		--workpath build/bundle bundle/saywho.spec
	tar -C dist -czf dist/$(BUNDLE_NAME).tar.gz $(BUNDLE_NAME)
	@du -sh dist/$(BUNDLE_NAME) dist/$(BUNDLE_NAME).tar.gz

bundle-test: bundle
	$(PYTHON) tests/installed.py dist/$(BUNDLE_NAME)/Saywho

clean:
	rm -rf $(VENV) $(BUNDLE_VENV) build dist .pytest_cache .mypy_cache .ruff_cache
