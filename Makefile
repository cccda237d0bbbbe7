# The two commands: `make run` and `make test`. Both install what they need first.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
HOST   ?= 127.0.0.1
PYTHON ?= python3

AXE_VERSION := 4.10.3
AXE   := .axe/node_modules/axe-core/axe.min.js

.PHONY: run test lint bench validate chromium nodejs nginx site install install-test geodata axe

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium is missing"; exit 1; }

# Debian's nginx, for the reverse-proxy test and bench (deploy/nginx.conf); never started as
# a service: tests and bench run it in the foreground on loopback with a temporary prefix.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { echo "nginx is missing"; exit 1; }

# axe-core (accessibility rules) for the browser tests, from the npm registry, pinned.
$(AXE):
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm install --silent --no-save --no-audit --no-fund --prefix .axe axe-core@$(AXE_VERSION)

axe: $(AXE)

# node --check on the map's JavaScript (tests/test_js.py): Debian's nodejs if node is missing.
nodejs:
	@command -v node >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null; }
	@command -v node >/dev/null 2>&1 || { echo "node is missing"; exit 1; }

run: install
	$(VENV)/bin/claims-atlas serve --port $(PORT) --host $(HOST)

# The static atlas (claims-atlas build-site): serve $(SITE) with any static web server.
SITE ?= public
site: install
	$(VENV)/bin/claims-atlas build-site -o $(SITE)

validate: install
	$(VENV)/bin/claims-atlas validate

lint: install-test
	$(VENV)/bin/ruff check claims_atlas tests bench geodata setup.py

test: install-test chromium nodejs nginx lint axe
	$(PY) -m pytest

bench: $(VENV)/.installed-bench chromium nginx
	$(PY) bench/run.py

geodata: install
	$(PY) geodata/build.py
