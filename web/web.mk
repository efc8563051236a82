# The front ends (web/): the visitor's widget and the advisor console, built
# with Vite into web/dist (dist/widget, dist/console), and their real-browser tests (tests/browser, Playwright on Debian's Chromium).
# Included by the Makefile, which defines VPY, VENV and PY_STAMP.

WEB_STAMP := web/node_modules/.package-lock.json
WEB_SOURCES := $(shell find web/widget web/console web/shared web/public -type f 2>/dev/null) \
	web/vite.config.ts web/vite.console.config.ts web/tsconfig.json web/package.json
WEB_DIST := web/dist/widget/loader.js
CHROMIUM ?= /usr/bin/chromium

.PHONY: web-deps web-build web-release web-lint web-test-unit browser-deps test-browser

$(WEB_STAMP): web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error

web-deps: $(WEB_STAMP)

# The widget's build empties web/dist; the console's goes into web/dist/console after it.
$(WEB_DIST): $(WEB_STAMP) $(WEB_SOURCES)
	cd web && npx --no-install vite build --logLevel warn \
		&& npx --no-install vite build --config vite.console.config.ts --logLevel warn
	@touch $@

web-build: $(WEB_DIST)

# What `firebase deploy` publishes (infra/hosting.tf): web/release/widget (the
# widget's scripts only) and web/release/console (the console with its
# production configuration), from web/dist and Terraform's outputs:
#   terraform -chdir=infra output -json > outputs.json && make web-release TF_OUTPUTS=outputs.json
# tests/unit/test_deploy_rehearsal.py rehearses it on a fixture of those outputs.
web-release: $(WEB_DIST)
	@test -n "$(TF_OUTPUTS)" || { echo "web-release: set TF_OUTPUTS to a file of \`terraform output -json\`"; exit 1; }
	$(PYTHON) web/render_production.py --outputs $(TF_OUTPUTS) --dist web/dist --out web/release

web-lint: $(WEB_STAMP)
	cd web && npx --no-install eslint . && npx --no-install tsc --noEmit -p tsconfig.json

# The front ends' unit tests: vitest, *.test.ts beside the code (state
# modules, checks, web/shared), in Node without a browser; seconds.
# `make test` and `make test-fast` run them (a prerequisite added here).
web-test-unit: $(WEB_STAMP)
	cd web && npx --no-install vitest run

test test-fast: web-test-unit

# Debian's Chromium and its driver; Playwright never downloads a browser here.
browser-deps:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "browser-deps: $(CHROMIUM) is missing; installing Debian's chromium and chromium-driver (apt-get, needs root)"; \
		apt-get -o DPkg::Lock::Timeout=600 update -q && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q chromium chromium-driver \
		|| { echo "browser-deps: could not install chromium: run 'apt-get install chromium chromium-driver' as root"; exit 1; }; \
	fi

# Expects the emulator stack's environment (run inside `emulators/stack.py exec`, as `test-python`).
# Runs the widget's and the console's tests (tests/browser/test_console_*.py).
test-browser: $(PY_STAMP) web-build browser-deps
	VTCHAT_BROWSER_TESTS=required PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(VPY) -m pytest -q tests/browser
