# recyclenet: `make demo` and `make test` are the whole quick start.
SHELL := /bin/bash
# Python 3.12 or newer (OSRM's wheels are built for CPython >= 3.12): the first found of
# python3.12, python3.13, python3 and pyenv's installed versions; `make PYTHON=...` overrides.
ifndef PYTHON
PYTHON := $(shell for p in python3.12 python3.13 python3 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$p || echo $$p; } && break; done)
endif
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every Python package, pinned with its hashes: what `make` installs is the same every week.
# After changing dependencies in pyproject.toml: `make lock` (see CONTRIBUTING.md).
LOCK := requirements.lock

.PHONY: demo demo-hangzhou test lint lock system-deps install translations bench-solomon bench-scale bench-roads clean

# Debian packages the project needs on a machine: PostgreSQL (tests start a throwaway
# cluster), Mosquitto (broker for the demo and the tests), Redis (the tests of rate limits
# shared through Redis start one), npm (the console's map library), Chromium (browser
# tests), CJK fonts (the screenshots of the browser tests show Chinese names). Installed
# only when missing.
system-deps:
	@if [ -z "$(PYTHON)" ]; then \
		echo "recyclenet needs Python 3.12 or newer and found none: install python3.12 (Debian 13," \
		     "Ubuntu 24.04: apt-get install python3.12-venv) or a pyenv version, or run make PYTHON=/path/to/python3.12"; \
		exit 1; fi
	@missing=""; \
	command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing="$$missing mosquitto"; \
	command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	$(PYTHON) -c 'import venv, ensurepip' >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

$(STAMP): pyproject.toml $(LOCK)
	@# A venv of an older Python (from before the move to 3.12) is replaced, not patched.
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r $(LOCK)
	$(BIN)/pip install -q --no-deps -e .
	@touch $(STAMP)

LEAFLET := backend/web/static/vendor/leaflet/leaflet.js

# The console's map library, from the npm registry (never a CDN at run time).
$(LEAFLET): backend/web/package.json backend/web/package-lock.json
	cd backend/web && npm ci --no-audit --no-fund --silent
	mkdir -p backend/web/static/vendor/leaflet
	cp -r backend/web/node_modules/leaflet/dist/. backend/web/static/vendor/leaflet/

# Marker clustering for the dispatcher's map (a city's 10,000 bins), from the same npm install.
MARKERCLUSTER := backend/web/static/vendor/leaflet.markercluster/leaflet.markercluster.js
$(MARKERCLUSTER): $(LEAFLET)
	mkdir -p backend/web/static/vendor/leaflet.markercluster
	cp -r backend/web/node_modules/leaflet.markercluster/dist/. backend/web/node_modules/leaflet.markercluster/MIT-LICENCE.txt \
	  backend/web/static/vendor/leaflet.markercluster/

# The console's languages: gettext catalogs (backend/web/translations/<code>/LC_MESSAGES),
# compiled to the .mo files Flask-Babel reads. English is the source language.
I18N := backend/web
CATALOGS := $(wildcard $(I18N)/translations/*/LC_MESSAGES/messages.po)
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

install: system-deps $(STAMP) $(LEAFLET) $(MARKERCLUSTER) $(CATALOGS:.po=.mo)

# After changing the console's strings: extract them from the templates and scripts into
# messages.pot and update every catalog (new strings arrive untranslated, none is guessed);
# a new language: `$(BIN)/pybabel init -i $(I18N)/messages.pot -d $(I18N)/translations -l fr`.
translations: $(STAMP)
	$(BIN)/pybabel extract -F $(I18N)/babel.cfg -k lazy_gettext -k lazy_pgettext:1c,2 \
		--sort-by-file --project recyclenet --copyright-holder "the recyclenet contributors" -o $(I18N)/messages.pot $(I18N)
	$(BIN)/pybabel update -i $(I18N)/messages.pot -d $(I18N)/translations --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
	$(MAKE) $(CATALOGS:.po=.mo)

# The demo city is central Helsinki on its real streets: the OpenStreetMap extract carried in
# backend/demo/data (ODbL, attribution beside it) is prepared into instance/roads/network and
# every distance, plan, baseline and twin kilometre comes from it. `make demo-hangzhou`: the
# larger Hangzhou city (three centers, 240 bins) on great-circle distances x 1.3.
demo: export RECYCLENET_ROAD_NETWORK = roads/network
demo: export RECYCLENET_TIMEZONE = Europe/Helsinki
demo: export RECYCLENET_PLAN_WORKERS = 2
demo: install
	$(BIN)/recyclenet db upgrade
	$(BIN)/recyclenet roads build backend/demo/data/helsinki.osm.pbf
	$(BIN)/recyclenet seed-demo --seed 7 --bins 120 --city helsinki
	@# A week of telemetry history, so forecasts and plans have something to go on.
	$(BIN)/recyclenet simulate-bins --offline --backfill-hours 168 --interval 900
	@# A short digital twin: need-based against the fixed schedule (the console links the report).
	$(BIN)/recyclenet twin --days 3 --bins 120 --city helsinki --time-limit 2 --report instance/twin-report
	$(BIN)/recyclenet demo --port 5000

demo-hangzhou: export DATABASE_URL = sqlite:///$(CURDIR)/instance/hangzhou.db
demo-hangzhou: install
	$(BIN)/recyclenet db upgrade
	$(BIN)/recyclenet seed-demo --seed 7 --bins 240 --city hangzhou
	$(BIN)/recyclenet simulate-bins --offline --backfill-hours 168 --interval 900
	$(BIN)/recyclenet twin --days 3 --bins 120 --time-limit 2 --report instance/twin-report
	$(BIN)/recyclenet demo --port 5000

# Lint, format and the import contracts of docs/architecture.md.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: install lint
	$(BIN)/pytest -q -n 2 --dist loadfile

# Re-resolve every dependency (newest releases pyproject.toml allows) into the lock file,
# for every Python the project supports.
lock: $(STAMP)
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --universal \
		--python-version 3.12 --custom-compile-command "make lock" -o $(LOCK)

bench-solomon: install
	$(BIN)/python bench/solomon.py --time-limit 10

# The planner against PyVRP alone, side by side, on Solomon, Homberger 200/400 and the VRPLIB
# sets (hours at the default budgets: narrow it with ARGS="--sets mdvrptw --instances PR11A").
.PHONY: bench-routing
bench-routing: install
	$(BIN)/python bench/routing.py $(ARGS)

bench-scale: install
	$(BIN)/python bench/scale.py

bench-roads: install
	$(BIN)/python bench/roads.py

clean:
	rm -rf $(VENV) instance .pytest_cache
