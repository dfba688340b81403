# Duban: `make run` sets everything up and starts the site; `make test` runs the whole suite.
PY := .venv/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/duban
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: install services run test test-postgres test-sqlite lint format check ci messages clean

.venv/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || "$$(bin/find-python)" -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch .venv/.installed

# Browser libraries (chart.js) from the npm registry, served through STATICFILES_DIRS.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch node_modules/.installed

install: .venv/.installed node_modules/.installed
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null

# The main job on the embedded defaults: SQLite, filesystem broker, e-mail to var/mail.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo
	$(PY) manage.py run_main

# The whole suite against PostgreSQL and Redis, then the SQLite default.
services:
	bin/install-system-packages
	bin/ensure-services

test: install services
	$(MAKE) test-postgres
	$(MAKE) test-sqlite

test-postgres:
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest $(PYTEST_ARGS)

# The same suite on the embedded default (SQLite, filesystem broker); tests that need
# PostgreSQL or Redis by their nature say so and are skipped here.
test-sqlite:
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

check:
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=ci-check-$$(date +%s)-a-long-random-looking-secret-value-for-deploy-checks \
	  ALLOWED_HOSTS=duban.example.gov.cn EMAIL_URL=smtp+tls://duban@smtp.example.gov.cn:587 DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) \
	  $(PY) manage.py check --deploy --fail-level WARNING

ci: install services lint check test

# Refresh the English catalogue after changing UI text; then fill the new msgstr entries.
messages:
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var \
	  --ignore=test-artifacts --ignore=tests --ignore=bench
	msgattrib --no-obsolete locale/en/LC_MESSAGES/django.po -o locale/en/LC_MESSAGES/django.po

clean:
	rm -rf var .pytest_cache .ruff_cache
