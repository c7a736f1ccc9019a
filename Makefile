# The two commands a newcomer needs: `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: install demo test test-dates lint format pytest pytest-postgres browser messages clean bench \
	bench-documents load

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The demo runs as production does (DEBUG off: our error pages, whitenoise serves the static
# files) but on plain HTTP on the loopback address, with a secret key made for this run only.
DEMO_SECRET := demo-only-$(shell $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(40))")
DEMO_ENV := DEBUG=false SECRET_KEY=$(DEMO_SECRET) ALLOWED_HOSTS=127.0.0.1,localhost \
	SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false \
	SECURE_HSTS_SECONDS=0 SECURE_HSTS_INCLUDE_SUBDOMAINS=false SECURE_HSTS_PRELOAD=false

demo: install
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(PY) manage.py load_demo --force
	@echo "Folkhälsa körs på http://127.0.0.1:8000 (avsluta med Ctrl-C). PDF- och Word-filerna" \
	  "skapas i bakgrunden av manage.py db_worker, som startar här bredvid webbservern och stoppas med den."
	@$(DEMO_ENV) $(PY) manage.py db_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	  $(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The suite runs in parallel, one worker per core (pytest-xdist), each with its own database;
# an idle worker takes tests queued for the other (worksteal), so neither waits at the end.
JOBS ?= auto
PYTEST := $(PY) -m pytest -n $(JOBS) --dist worksteal

# `make pytest` runs the whole suite on SQLite. Within `make test` the sweeps (every URL and
# form tried by every user: the permission matrix, the form fuzz) run once, on PostgreSQL, the
# production database, where they commit as production does; on SQLite only where there is no
# PostgreSQL.
SQLITE_MARKS ?= not browser
pytest: install
	DATABASE_URL= $(PYTEST) -m "$(SQLITE_MARKS)"

pytest-postgres: install
	scripts/with-postgres.sh $(PYTEST) -m "not browser"

# The journeys in tests/browser, in Debian's Chromium, behind a live server on a throwaway
# PostgreSQL as production runs (on SQLite where PostgreSQL is missing and not required).
# Without Chromium they are skipped with a clear line, unless REQUIRE_BROWSER=1 demands them.
CHROMIUM := /usr/bin/chromium
browser: install
	@if [ -x $(CHROMIUM) ]; then \
	  scripts/with-postgres.sh --or-sqlite $(PYTEST) -m browser tests/browser; \
	elif [ "$${REQUIRE_BROWSER:-0}" = "1" ]; then \
	  echo "Browser tests: $(CHROMIUM) not found, and REQUIRE_BROWSER=1 demands them" >&2; exit 1; \
	else echo "Browser tests: SKIPPED ($(CHROMIUM) is not on this machine: apt-get install chromium;" \
	  "set REQUIRE_BROWSER=1 to fail instead)"; fi

test: lint
	@if scripts/with-postgres.sh --available; then \
	  echo "SQLite: the suite but the sweeps, which run on PostgreSQL next"; \
	  $(MAKE) --no-print-directory pytest SQLITE_MARKS="not browser and not sweep"; \
	else $(MAKE) --no-print-directory pytest; fi
	$(MAKE) --no-print-directory pytest-postgres browser

# By hand: the suite on SQLite with the clock set (libfaketime: apt-get install faketime) to the
# days a calendar gets wrong: 4 and 30 December, 2 January, and the last Sundays of March and October
# just before the clocks change in Sweden (01:00 UTC). The clock runs on from there.
FAKE_DAYS := "2026-12-04 11:00:00" "2026-12-30 11:00:00" "2027-01-02 11:00:00" "2027-03-28 00:45:00" "2027-10-31 00:45:00"
test-dates: install
	@command -v faketime >/dev/null || { echo "test-dates needs faketime: apt-get install faketime" >&2; exit 1; }
	@for day in $(FAKE_DAYS); do \
	  echo "== the suite on $$day UTC"; \
	  TZ=UTC faketime -f "@$$day" env DATABASE_URL= $(PYTEST) -m "not browser" -p no:cacheprovider || exit 1; \
	done

# By hand: every main page, the admin's changelists and the PDFs at three sizes up to the country
# (BENCH_SIZES=demo,region,country) on a throwaway PostgreSQL; the table goes to bench/results.md.
# Then the follow-up PDF's peak memory on SQLite. `make test` runs the pages small (test_bench.py).
bench: install
	scripts/with-postgres.sh $(PY) -m bench.run
	$(PY) -m bench.follow_up

# By hand, not in `make test`: the app as production runs it (gunicorn, the task worker, nginx with
# TLS; docs/DEPLOYMENT.md) on a throwaway PostgreSQL at national size, driven by locust on 127.0.0.1
# at several levels of users; figures to bench/load-results.md. LOAD_SIZE=small for a quick run.
load: install
	scripts/load.sh

# By hand: the council's PDFs at 10 and 100 items (selector, HTML and WeasyPrint timed apart).
bench-documents: install
	$(PY) -m bench.documents

# After changing user-facing strings (needs GNU gettext): update and compile the English catalogue.
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests --ignore=staticfiles --no-location
	$(PY) manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache tests/browser/screenshots
