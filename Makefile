# ZGC Forum platform. `make run` and `make test` are all a new user needs (see README.md).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
# The settings default to DEBUG off; the Makefile's targets are for development and turn it on,
# unless the environment says otherwise (`DEBUG=0 make worker` where SECRET_KEY and SITE_URL are set).
DEBUG ?= 1
MANAGE := DEBUG=$(DEBUG) $(BIN)/python manage.py
# `make run PORT=8100` serves there; links in mail follow (unless SITE_URL is set).
PORT     ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run reseed install system-deps messages makemessages migrate seed test test-fast lint format bench bench-cold worker beat clean stack stack-stop stack-test loadtest

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: system-deps $(STAMP)

system-deps:
	bash scripts/system-deps.sh

messages: $(STAMP)
	$(MANAGE) compilemessages -v 0 --ignore '.venv' --ignore 'staticfiles'

makemessages: $(STAMP)
	$(MANAGE) makemessages -l zh_Hans -e html,txt,py --no-obsolete --no-location --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*'

migrate: $(STAMP)
	env -u DATABASE_URL -u REDIS_URL $(MANAGE) migrate -v 0

seed: migrate
	env -u DATABASE_URL -u REDIS_URL $(MANAGE) seed_demo

# The embedded set-up: SQLite, Celery eager, mail printed to this console.
run: install messages seed
	@echo ""
	@echo "  ZGC Forum demo: $(SITE_URL)/  (Chinese: $(SITE_URL)/zh-hans/)"
	@echo "  Admin:          $(SITE_URL)/admin/  login organizer@zgcforum.example / zgc-forum-2021"
	@echo "  Try the journeys listed in README.md (\"Try these journeys\")."
	@echo ""
	env -u DATABASE_URL -u REDIS_URL -u EMAIL_HOST DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Load the demo anew, replayed from today (the forum three weeks ahead); --as-held: 2021's dates.
reseed: migrate
	env -u DATABASE_URL -u REDIS_URL $(MANAGE) seed_demo --flush

# The whole suite. With DATABASE_URL/REDIS_URL set (as .ci/run does) it runs on PostgreSQL + Redis.
test: install messages
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install messages
	DEBUG=$(DEBUG) $(BIN)/python bench/run.py

# This project with every cache off beside pretalx, same forum, same gunicorn (bench/README.md).
bench-cold: install messages
	DEBUG=$(DEBUG) $(BIN)/python bench/side_by_side.py $(BENCH_COLD_ARGS)

worker: $(STAMP)
	DEBUG=$(DEBUG) $(BIN)/celery -A zgcforum worker -l info -Q $${CELERY_QUEUE:-celery},$${CELERY_QUEUE:-celery}.heavy

beat: $(STAMP)
	DEBUG=$(DEBUG) $(BIN)/celery -A zgcforum beat -l info

# The production topology here: nginx, two web nodes, two workers, beat (deploy/README.md).
stack: install messages
	$(BIN)/python deploy/stack.py up

stack-stop:
	$(BIN)/python deploy/stack.py down

# The stack on a private PostgreSQL cluster and Redis, a journey through nginx, nodes killed.
stack-test: install messages
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest deploy/test_stack.py -p no:xdist -p no:randomly $(PYTEST_ARGS)

# Steps of simulated users (locust) against one node and two nodes behind nginx (bench/README.md).
loadtest: install messages
	$(BIN)/python bench/loadtest.py $(LOADTEST_ARGS)

clean:
	rm -rf .stack staticfiles .test-media .test-media-private media private-media db.sqlite3*
	find bench/results -mindepth 1 ! -name loadtest.json -delete 2>/dev/null || true
