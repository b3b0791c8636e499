# The one place commands live. `make run` and `make test` work from a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
CELERY := $(VENV)/bin/celery -A coordination
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the project needs: gettext compiles translations; chromium and fonts drive the browser
# tests (Playwright uses the system Chromium — it never downloads a browser); docker-compose validates the
# compose file without a Docker engine.
RUN_DEBS := gettext
TEST_DEBS := gettext chromium fonts-noto-cjk docker-compose

.PHONY: translations help install system-deps system-deps-test messages migrate seed run test check pytest lint format lock clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(STAMP): requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)  ## Virtualenv with the pinned dependencies

# Installs missing Debian packages (as root, or through sudo). Does nothing when they are all present.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

system-deps:  ## Debian packages needed to run
	$(call apt_install,$(RUN_DEBS))

system-deps-test:  ## Debian packages needed by the test suite
	$(call apt_install,$(TEST_DEBS))

messages: install  ## Compile the translations
	$(PY) manage.py compilemessages --ignore=.venv -v 0

migrate: install
	$(PY) manage.py migrate --noinput -v 1

seed: migrate  ## Demo company (idempotent)
	$(PY) manage.py seed_demo

run: system-deps install messages seed  ## Demo on http://127.0.0.1:8000 with a Celery worker and beat
	@echo "Web on http://$(HOST):$(PORT) — worker and beat running; Ctrl-C stops all three."
	@trap 'kill 0' INT TERM EXIT; \
	$(CELERY) worker --loglevel=INFO --concurrency=2 & \
	$(CELERY) beat --loglevel=INFO --pidfile= & \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: system-deps-test install messages check pytest  ## Everything the suite needs, then lint and the whole suite

check: install  ## ruff (lint + format), migrations in step with the models, a valid OpenAPI schema
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# No database is needed to compare models with migrations (CI's DATABASE_URL may name one not created yet).
	DATABASE_URL=sqlite:///:memory: DJANGO_SETTINGS_MODULE=coordination.settings.test $(PY) manage.py makemigrations --check --dry-run
	@# The OpenAPI schema is valid and every endpoint is described (a warning fails).
	DATABASE_URL=sqlite:///:memory: DJANGO_SETTINGS_MODULE=coordination.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

pytest: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

format: install  ## Fix what ruff can
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

lock: install  ## Re-pin requirements*.txt from pyproject.toml
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-find-links --no-emit-index-url -o requirements.txt pyproject.toml
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-find-links --no-emit-index-url --extra dev -o requirements-dev.txt pyproject.toml

clean:  ## Remove the virtualenv and local data (var/)
	rm -rf $(VENV) var/*.sqlite3* var/celery var/media staticfiles

translations: install  ## Update the Chinese catalogue from the code (then translate the new entries)
	$(PY) manage.py makemessages -l zh_Hans --no-location --no-obsolete --ignore=.venv --ignore=tests --ignore=var -v 1
