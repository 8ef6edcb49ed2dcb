# Two commands: `make run` (install, demo data, serve on http://127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv

.PHONY: run install vnu territories test lint lint-js format messages migrations-check audit deploy-check ci clean

$(CURDIR)/.tools/bin/uv:
	@echo "uv n’est pas installé : installation locale dans .tools/"
	$(PYTHON) -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(if $(findstring .tools,$(UV)),$(UV))
	$(UV) sync --frozen

run: install
	DEBUG=1 $(UV) run python manage.py migrate --no-input -v 0
	DEBUG=1 $(UV) run python manage.py loadcatalogue
	@# The official list of collectivités comes from the npm registry (once, then cached in
	@# .cache/): without npm or network the demo goes on without it.
	@if DEBUG=1 $(UV) run python manage.py fetch_territories; then \
		DEBUG=1 $(UV) run python manage.py load_territories; \
	else \
		echo "Liste officielle des collectivités indisponible (npm ou réseau absent) : la démonstration continue sans elle."; \
	fi
	DEBUG=1 $(UV) run python manage.py seed_demo
	@echo "Application : http://$(HOST):$(PORT)/  (Ctrl+C pour arrêter)"
	@# The PDF worker runs beside the web server and stops with it.
	DEBUG=1 $(UV) run python manage.py db_worker --no-reload --interval 0.5 -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(UV) run python manage.py runserver $(HOST):$(PORT)

# The official list of collectivités (pinned release of @etalab/decoupage-administratif, via npm).
territories: install
	DEBUG=1 $(UV) run python manage.py fetch_territories
	DEBUG=1 $(UV) run python manage.py load_territories

test: install vnu
	$(UV) run pytest $(PYTEST_ARGS)

# The W3C Nu Html Checker (vnu.jar, pinned in .ci/vnu/package-lock.json; runs on Java 17 or
# later) for tests/accessibility/test_valid_html.py (RGAA 8.2). Without npm the test says it is
# skipped (and fails under CI=true). --ignore-scripts: the package's postinstall would fetch a Java.
VNU_DIR := .ci/vnu
$(VNU_DIR)/node_modules/.installed: $(VNU_DIR)/package.json $(VNU_DIR)/package-lock.json
	npm ci --prefix $(VNU_DIR) --ignore-scripts --no-audit --no-fund
	touch $@

vnu:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(VNU_DIR)/node_modules/.installed; \
	else echo "npm est introuvable : le validateur Nu (vnu.jar) n’est pas installé, le test de validité HTML sera sauté (apt-get install nodejs npm default-jre-headless)." >&2; fi

# Templates are indented by djhtml (indentation only, two spaces; .html files of templates/).
DJHTML := $(UV) run djhtml --tabwidth 2 templates

lint: install lint-js
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(DJHTML) --check
	$(UV) run python .ci/messages.py --check

# ESLint for static/js/, installed from .ci/eslint/package-lock.json (needs node and npm).
ESLINT_DIR := .ci/eslint
$(ESLINT_DIR)/node_modules/.installed: $(ESLINT_DIR)/package.json $(ESLINT_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "npm est introuvable : apt-get install nodejs npm" >&2; exit 1; }
	npm ci --prefix $(ESLINT_DIR) --ignore-scripts --no-audit --no-fund
	touch $@

lint-js: $(ESLINT_DIR)/node_modules/.installed
	$(ESLINT_DIR)/node_modules/.bin/eslint --config $(ESLINT_DIR)/eslint.config.mjs --max-warnings 0 static/js

format: install
	$(UV) run ruff check --fix .
	$(UV) run ruff format .
	$(DJHTML)

# The French message catalogue (locale/fr): extracted, plural entries filled, compiled (needs
# GNU gettext). make lint checks that it is in step with the sources.
messages: install
	$(UV) run python .ci/messages.py

migrations-check: install
	DJANGO_SETTINGS_MODULE=aeict.test_settings $(UV) run python manage.py makemigrations --check --dry-run

# Known vulnerabilities of the locked dependencies (fails when one has a fixed version).
audit: install
	$(UV) run python .ci/audit.py

# Django's deployment checks, with the environment of a production server.
deploy-check: install
	SECRET_KEY="$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(60))')" DEBUG=0 \
		ALLOWED_HOSTS=aeict.example.fr PLATFORM_OPERATOR="Exploitant" \
		PLATFORM_OPERATOR_ADDRESS="Adresse" PUBLICATION_DIRECTOR="Direction" \
		HOSTING_PROVIDER="Hébergeur" CONTACT_EMAIL=contact@aeict.example.fr \
		$(UV) run python manage.py check --deploy --fail-level WARNING

ci:
	bash .ci/run

clean:
	rm -rf .venv .tools $(ESLINT_DIR)/node_modules staticfiles db.sqlite3 media
