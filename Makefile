# ZGC Forum platform. `make run` and `make test` are all a new user needs (see README.md).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
MANAGE := $(BIN)/python manage.py

.PHONY: run install system-deps messages makemessages migrate seed test test-fast lint format bench worker beat clean

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
	@echo "  ZGC Forum demo: http://127.0.0.1:8000/  (Chinese: http://127.0.0.1:8000/zh-hans/)"
	@echo "  Admin:          http://127.0.0.1:8000/admin/  login organizer@zgcforum.example / zgc-forum-2021"
	@echo ""
	env -u DATABASE_URL -u REDIS_URL -u EMAIL_HOST DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

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
	$(BIN)/python bench/run.py

worker: $(STAMP)
	$(BIN)/celery -A zgcforum worker -l info

beat: $(STAMP)
	$(BIN)/celery -A zgcforum beat -l info

clean:
	rm -rf staticfiles .test-media media db.sqlite3* bench/results
