# Two commands for a fresh machine: `make demo` and `make test`.
# Everything they need is installed here (venv, npm ci); prerequisites are
# Python 3.11+, Java 17+, Node 20+ and the Google Cloud SDK emulators.

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
STACK := $(VPY) emulators/stack.py
PY_STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# Tests and benchmarks run at any hour: they use a schedule that is always
# open (the closed hours have their own tests); `make demo` uses the real one.
ALWAYS_OPEN := VTCHAT_SCHEDULE_FILE=$(CURDIR)/tests/data/schedule-always-open.json

.PHONY: demo test test-fast test-unit api-types api-types-check bench lint typecheck test-python test-rules check-prereqs clean deps

$(PY_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*; touch $@

emulators/node_modules/.package-lock.json: emulators/package-lock.json
	cd emulators && npm ci --no-audit --no-fund --loglevel=error

tests/js/node_modules/.package-lock.json: tests/js/package-lock.json
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error

check-prereqs:
	@$(PYTHON) emulators/stack.py check --services firestore,pubsub,auth

deps: check-prereqs $(PY_STAMP) emulators/node_modules/.package-lock.json tests/js/node_modules/.package-lock.json web-deps

lint: $(PY_STAMP) web-lint
	$(VPY) -m ruff check .
	$(VPY) -m ruff format --check .

typecheck: $(PY_STAMP)
	$(VPY) -m mypy

# Every suite, inside one emulator stack (reused when one is already running).
test: deps lint typecheck infra-check api-types-check web-build browser-deps
	$(ALWAYS_OPEN) $(STACK) exec -- $(MAKE) --no-print-directory test-rules test-python test-browser

# The fast tier: lint, types and the unit tests (contracts, OpenAPI, pure
# logic); no emulator, no browser. About a minute; `make test` runs it all.
test-fast: lint typecheck test-unit

# The unit tests alone: the tests that need no emulator, in seconds.
test-unit: $(PY_STAMP)
	$(VPY) -m pytest -q tests/unit

test-rules: tests/js/node_modules/.package-lock.json
	cd tests/js && npm run --silent test:rules

test-python: $(PY_STAMP)
	$(VPY) -m pytest -q --ignore=tests/browser

# `make demo OPEN=always` runs the demo on the always-open schedule (at night).
demo: deps web-build
	$(if $(filter always,$(OPEN)),$(ALWAYS_OPEN)) $(STACK) exec -- $(VPY) emulators/demo.py

# The benchmarks measure the chat's own speed, so the abuse limits are lifted.
UNLIMITED := VTCHAT_MESSAGES_PER_MINUTE=100000 VTCHAT_MESSAGE_BURST=100000 \
	VTCHAT_INTAKES_PER_MINUTE=100000 VTCHAT_MAX_WAITING_PER_ORG=10000

# The console's part drives the built console in Debian's Chromium.
bench: deps web-build browser-deps
	$(ALWAYS_OPEN) $(UNLIMITED) $(STACK) exec -- $(VPY) tests/bench/run.py

# The TypeScript types in web/shared/api, generated from docs/openapi.json and
# the Firestore document models (vtchat.cli.api_types); `make test` fails when
# they are stale.
api-types: $(PY_STAMP) web-deps
	$(VPY) -m vtchat.cli.api_types

api-types-check: $(PY_STAMP) web-deps
	$(VPY) -m vtchat.cli.api_types --check

clean:
	rm -rf $(VENV) emulators/node_modules tests/js/node_modules web/node_modules web/dist web/release \
		.mypy_cache .ruff_cache .pytest_cache

# Offline checks of the Terraform in infra/ (format, configuration, checkov).
include infra/infra.mk

# The widget (web/): build, lint, Debian's Chromium, the real-browser tests.
include web/web.mk
