# The two commands a newcomer needs: `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: install demo test lint format pytest pytest-postgres browser messages clean bench bench-documents

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
	@echo "Folkhälsa körs på http://127.0.0.1:8000 (avsluta med Ctrl-C)"
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

pytest: install
	$(PY) -m pytest -m "not browser"

pytest-postgres: install
	scripts/with-postgres.sh $(PY) -m pytest -m "not browser"

# The journeys in tests/browser, in Debian's Chromium, once, on SQLite. Without Chromium they are
# skipped with a clear line, unless REQUIRE_BROWSER=1 demands them.
CHROMIUM := /usr/bin/chromium
browser: install
	@if [ -x $(CHROMIUM) ]; then DATABASE_URL= $(PY) -m pytest -m browser tests/browser; \
	elif [ "$${REQUIRE_BROWSER:-0}" = "1" ]; then \
	  echo "Browser tests: $(CHROMIUM) not found, and REQUIRE_BROWSER=1 demands them" >&2; exit 1; \
	else echo "Browser tests: SKIPPED ($(CHROMIUM) is not on this machine: apt-get install chromium;" \
	  "set REQUIRE_BROWSER=1 to fail instead)"; fi

test: lint pytest pytest-postgres browser

# By hand, not in `make test`: the main pages timed at national size on a throwaway PostgreSQL.
bench: install
	scripts/with-postgres.sh $(PY) -m bench.run
	$(PY) -m bench.follow_up

# By hand: the council's PDFs at 10 and 100 items (selector, HTML and WeasyPrint timed apart).
bench-documents: install
	$(PY) -m bench.documents

# After changing user-facing strings (needs GNU gettext): update and compile the English catalogue.
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests --ignore=staticfiles --no-location
	$(PY) manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache tests/browser/screenshots
