# Two commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
PYTHON ?= /usr/bin/python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install system venv assets bench clean-db

run: install
	$(BIN)/qala run

test: install
	$(BIN)/qala db start
	$(BIN)/pytest $(PYTEST_ARGS)

install: system venv assets

system:
	@scripts/install-system

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

assets: web/static/vendor/.installed

web/static/vendor/.installed: package.json
	scripts/install-assets
	touch $@

bench: install
	$(BIN)/qala db start
	$(BIN)/python -m bench $(BENCH)

clean-db:
	$(BIN)/qala db stop || true
	rm -rf var/pg
