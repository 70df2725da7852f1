# Rapport: `make run` serves the CRM, `make test` runs every check. Both are idempotent:
# running them again reuses .venv, .tools and the data in data/.

PORT ?= 3000
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := $(CURDIR)/.tools
BUN_VERSION := 1.4.4

export PATH := $(TOOLS)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export REFLEX_DIR := $(TOOLS)/reflex
export npm_config_cache := $(TOOLS)/npm-cache
export BUN_INSTALL_CACHE_DIR := $(TOOLS)/bun-cache
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint unit browser bench install clean-web

run: $(VENV)/.installed $(TOOLS)/.bun
	@$(VENV)/bin/rapport setup
	@echo ""
	@echo "  Rapport is starting on http://localhost:$(PORT)  (Ctrl+C stops it)"
	@echo ""
	RAPPORT_PORT=$(PORT) $(VENV)/bin/reflex run --env prod

test: $(VENV)/.installed-test $(TOOLS)/.bun $(TOOLS)/.chromium
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -p no:cacheprovider tests/unit
	# the browser tests in their own run: playwright's sync API keeps an event loop running in
	# the process, which would break the unit tests that use asyncio.run after it
	RAPPORT_CHROMIUM="$$(cat $(TOOLS)/.chromium)" $(PY) -m pytest -q -p no:cacheprovider tests/browser

unit: $(VENV)/.installed-test
	$(PY) -m pytest -q -p no:cacheprovider tests/unit

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

bench: $(VENV)/.installed-test $(TOOLS)/.bun $(TOOLS)/.chromium
	RAPPORT_CHROMIUM="$$(cat $(TOOLS)/.chromium)" $(PY) bench/bench_pages.py

install: $(VENV)/.installed $(TOOLS)/.bun

$(VENV)/bin/python:
	@py="$$(scripts/find-python.sh)" || exit 1; \
	echo "Creating $(VENV) with $$py"; \
	"$$py" -m venv $(VENV)

$(VENV)/.installed: pyproject.toml $(VENV)/bin/python
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

# Reflex needs bun >= 1.4.4 (or Node >= 22); its own download of bun needs the internet,
# so take bun from the npm registry into the project.
$(TOOLS)/.bun:
	@mkdir -p $(TOOLS)
	@if ! $(TOOLS)/node_modules/.bin/bun --version >/dev/null 2>&1; then \
	  command -v npm >/dev/null || { echo "npm is needed to install bun: sudo apt-get install -y npm"; exit 1; }; \
	  echo "Installing bun $(BUN_VERSION) from the npm registry into .tools/"; \
	  npm install --silent --no-audit --no-fund --prefix $(TOOLS) bun@$(BUN_VERSION); \
	fi
	@$(TOOLS)/node_modules/.bin/bun --version >/dev/null
	@touch $@

$(TOOLS)/.chromium: $(VENV)/.installed-test
	@mkdir -p $(TOOLS)
	VENV_PY=$(PY) scripts/find-chromium.sh > $@.tmp && mv $@.tmp $@

clean-web:
	rm -rf .web
