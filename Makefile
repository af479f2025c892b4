# Two commands for a newcomer:  `make run`  and  `make test`.  Both set everything up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON311 ?= $(shell scripts/find-python 3.11)
PYTHON310 ?= $(shell scripts/find-python 3.10)
APP := .venv/app
RASA := .venv/rasa

.PHONY: help setup browser services run check test eval bench lint format lock train clean

help:
	@echo "make run    start the bot (installs, imports the catalog, trains when needed)"
	@echo "make check  ruff, and the tests that need no trained model, database server or browser"
	@echo "make test   run the whole test suite (does its own set-up)"
	@echo "make eval   accuracy on every evaluation set (tests/eval/*.yml)"
	@echo "make bench  latency and memory figures (docs/BENCHMARKS.md)"
	@echo "make lint   ruff check and format check"

# The app's environment has the app and the dev extra (tests, ruff, the locker): exactly
# requirements/dev.lock, every file checked against its hash. The production image installs
# requirements/app.lock, the app alone.
$(APP)/.installed: requirements/dev.lock pyproject.toml
	@echo "==> Creating the app environment (Python 3.11) in $(APP)"
	@test -n "$(PYTHON311)" || { echo "Python 3.11 is needed (pyenv install 3.11)"; exit 1; }
	@test -x "$(APP)/bin/python" || $(PYTHON311) -m venv $(APP)
	@$(APP)/bin/python -m pip install --quiet --upgrade pip
	@$(APP)/bin/python -m pip install --progress-bar on --require-hashes -r requirements/dev.lock
	@$(APP)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

$(RASA)/.installed: requirements/rasa.lock
	@echo "==> Creating the Rasa environment (Python 3.10, rasa 3.6.21; a few minutes) in $(RASA)"
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is needed for Rasa 3.6 (pyenv install 3.10)"; exit 1; }
	@test -x "$(RASA)/bin/python" || $(PYTHON310) -m venv $(RASA)
	@$(RASA)/bin/python -m pip install --quiet --upgrade pip
	@$(RASA)/bin/python -m pip install --progress-bar on --require-hashes -r requirements/rasa.lock
	@touch $@

setup: $(APP)/.installed $(RASA)/.installed

train: setup
	@$(APP)/bin/nakano-bot train

run: setup
	@$(APP)/bin/nakano-bot run

# The widget tests drive Debian's Chromium (Playwright's own browser download is not used),
# with a Japanese font: without one, the widget's Japanese is measured in boxes.
browser:
	@{ command -v chromium && fc-list :lang=ja | grep -q .; } >/dev/null 2>&1 || { \
	  echo "==> Installing Debian's chromium and a Japanese font for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	    fonts-ipafont-gothic; }

# Some tests use the real PostgreSQL and Redis on loopback (as production does); start
# Debian's when they are installed but not running.
services:
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || { echo "==> Starting Redis on 127.0.0.1"; \
	  redis-server --daemonize yes --bind 127.0.0.1 --save '' >/dev/null; sleep 1; }
	@pg_isready -q -h 127.0.0.1 2>/dev/null || { echo "==> Starting PostgreSQL"; \
	  pg_ctlcluster $$(ls /etc/postgresql | tail -1) main start; sleep 2; }

# The fast tier: lint, and every test that needs neither the trained model nor PostgreSQL,
# Redis or Chromium (tests/conftest.py marks the others by the fixtures they use), on every
# core (pytest-xdist).
FAST_TESTS := not (e2e or postgres or redis or browser)
check: setup lint
	@$(APP)/bin/python -m pytest -n auto -m "$(FAST_TESTS)"

test: setup browser services
	@$(APP)/bin/nakano-bot train
	@$(APP)/bin/python -m pytest

eval: setup
	@$(APP)/bin/python scripts/evaluate.py

bench: setup
	@$(APP)/bin/python scripts/measure/benchmark.py

lint: $(APP)/.installed
	@$(APP)/bin/ruff check .
	@$(APP)/bin/ruff format --check .

format: $(APP)/.installed
	@$(APP)/bin/ruff check --fix .
	@$(APP)/bin/ruff format .

# The locks keep the versions they pin and add what is new; LOCK_ARGS="--upgrade-package NAME"
# (or --upgrade) moves versions. The app's runtime lock takes its versions from the dev lock,
# so production runs what the tests ran. The app's locks hold for any platform; Rasa's for Linux.
UV_COMPILE = $(APP)/bin/uv pip compile --quiet --generate-hashes --custom-compile-command "make lock"
lock: $(APP)/.installed
	@$(UV_COMPILE) $(LOCK_ARGS) --universal --python-version 3.11 pyproject.toml --extra dev -o requirements/dev.lock
	@$(UV_COMPILE) --universal --python-version 3.11 pyproject.toml -c requirements/dev.lock -o requirements/app.lock
	@$(UV_COMPILE) $(LOCK_ARGS) --python-platform linux --python-version 3.10 requirements/rasa.in -o requirements/rasa.lock

clean:
	rm -rf var models/*.tar.gz
