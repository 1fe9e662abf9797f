# Strides: `make demo` runs the synthetic demo clinic; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.13 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
# What the app needs (`make demo`), and that plus the test tools (`make test`, lint, ...).
APP_STAMP := $(VENV)/.installed-app
TEST_STAMP := $(VENV)/.installed
# The demo and the tests keep their data (SQLite, keys) in this clone's var/, whatever
# STRIDES_VAR_DIR says elsewhere; Strides' own default is ~/.local/share/strides.
CLONE_VAR_DIR := $(CURDIR)/var

.PHONY: demo test test-fast lint typecheck check clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 13), "Strides needs Python 3.13+ (found " + sys.version.split()[0] + ")"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(APP_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $(APP_STAMP)

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP) $(APP_STAMP)

demo: $(APP_STAMP)
	STRIDES_VAR_DIR='$(CLONE_VAR_DIR)' $(BIN)/strides demo $(if $(ADDR),--addr $(ADDR))

test: $(TEST_STAMP)
	STRIDES_VAR_DIR='$(CLONE_VAR_DIR)' $(BIN)/pytest -n 2 --dist loadfile

lint: $(TEST_STAMP)
	$(BIN)/ruff check .


typecheck: $(TEST_STAMP)
	$(BIN)/mypy strides tests bench

check: lint typecheck test

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
