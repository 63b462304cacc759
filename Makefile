# Two commands: `make serve` and `make test`. Everything is installed from uv.lock into .venv.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
UV_VERSION := 0.13.9
VENV := .venv
UV_TOOL := .tools/bin/uv

# The first interpreter on PATH that is Python 3.12 or newer and can create virtual environments.
PYTHON := $(shell for c in python3.13 python3.12 python3 python; do \
	p=$$(command -v $$c 2>/dev/null) || continue; \
	$$p -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; \
	done)
UV := $(shell command -v uv 2>/dev/null || echo $(UV_TOOL))

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
MANAGE := $(VENV)/bin/python manage.py

.PHONY: help python install serve test lint format cluster test-topology

help:
	@echo "make serve   install from uv.lock, migrate and load the demo data when needed, serve on 127.0.0.1:$(PORT)"
	@echo "make test    lint, then run the whole test suite"
	@echo "make cluster two app nodes, a PostgreSQL primary and replica, Redis, an RQ worker and"
	@echo "             Varnish, on this machine (root, Debian's packages); Ctrl-C stops and drops it"

python:
	@test -n "$(PYTHON)" || { echo "error: Python 3.12 or newer with venv is required: install python3.13 and python3.13-venv (or any Python >= 3.12 with venv)" >&2; exit 1; }

$(UV_TOOL): | python
	@$(PYTHON) -m venv .tools
	@.tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: uv.lock pyproject.toml | python $(if $(filter $(UV_TOOL),$(UV)),$(UV_TOOL))
	@$(UV) sync --frozen --quiet --python "$(PYTHON)"
	@touch $@

install: $(VENV)/.installed

# One process migrates (when needed), loads the demo (into a database without entries) and serves.
# RELOAD=1 restarts the server when a Python file changes, at the cost of a slower start.
serve: install
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-1} WEBHOOK_ALLOW_PRIVATE_TARGETS=$${WEBHOOK_ALLOW_PRIVATE_TARGETS:-$${DJANGO_DEBUG:-1}} $(MANAGE) serve 127.0.0.1:$(PORT) $(if $(filter 1,$(RELOAD)),--reload)

lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/lint-imports --no-cache

format: install
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

test: lint
	@$(VENV)/bin/pytest $(PYTEST_ARGS)

# The scaled-out topology on this machine (docs/scaling.md): needs root and Debian's
# postgresql, redis-server, varnish and varnish-modules.
cluster: install
	@$(VENV)/bin/python deploy/cluster/topology.py

# The topology tests alone: they start the topology above themselves.
test-topology: install
	@$(VENV)/bin/pytest -m topology $(PYTEST_ARGS)
