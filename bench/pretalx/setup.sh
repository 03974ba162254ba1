#!/usr/bin/env bash
# Set up pretalx, the reference for bench/side_by_side.py (issue 27), from this repository alone:
#   1. a venv outside the repository (Python >= 3.13, pyenv's 3.13.0 by default: pretalx 2026.2.1
#      needs it, and under 3.11 pip silently installs an older pretalx) with requirements.txt;
#   2. its configuration: SQLite, a private Redis (pretalx 2026.2 always configures a Redis cache),
#      Celery eager, DEBUG off;
#   3. migrate, collectstatic, and seed.py: the same 2021 forum (60 talks over 24-28 Sep 2021,
#      12 rooms, 90 speakers, a released schedule; event slug zgc2021). Idempotent.
#
# Usage:  bash bench/pretalx/setup.sh [--reset]     (--reset: delete the database, seed again)
# Knobs:  PRETALX_HOME [~/.cache/zgc-bench]  PYTHON [$(pyenv root)/versions/3.13.0/bin/python]
#         PRETALX_PORT [8701] (the port bench/side_by_side.py serves it on)  PRETALX_REDIS_PORT [6391]
# Prints the seed's KEY=value lines last (event slug, a talk code and title, a speaker code and name).
set -euo pipefail

HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
PRETALX_HOME=${PRETALX_HOME:-$HOME/.cache/zgc-bench}
VENV=$PRETALX_HOME/pretalx
DATA=$PRETALX_HOME/pretalx-data
CFG=$DATA/pretalx.cfg
PYTHON=${PYTHON:-${PYENV_ROOT:-$HOME/.pyenv}/versions/3.13.0/bin/python}
REDIS_PORT=${PRETALX_REDIS_PORT:-6391}
PORT=${PRETALX_PORT:-8701}
HOST=127.0.0.1

log() { printf '[pretalx setup %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# 1. venv
if [ ! -x "$VENV/bin/python" ]; then
  [ -x "$PYTHON" ] || { echo "Python >= 3.13 not found at $PYTHON (pyenv install 3.13.0, or set PYTHON)" >&2; exit 2; }
  log "creating $VENV with $PYTHON"
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -c 'import sys; assert sys.version_info >= (3, 13), sys.version' \
  || { echo "$VENV is not Python >= 3.13: delete it and run again" >&2; exit 2; }
if ! "$VENV/bin/pip" freeze 2>/dev/null | diff -q <(grep -v '^#' "$HERE/requirements.txt" | sort -f) <(sort -f) >/dev/null; then
  log "pip install -r bench/pretalx/requirements.txt"
  "$VENV/bin/pip" install -q -r "$HERE/requirements.txt" 2> >(grep -v "is ignored: it is neither" >&2)
fi

# 2. configuration (rewritten every time: it only holds values derived from the knobs above)
mkdir -p "$DATA"
cat > "$CFG" <<EOF
# pretalx for bench/side_by_side.py; written by bench/pretalx/setup.sh
[filesystem]
data = $DATA
media = $DATA/media
logs = $DATA/logs
static = $DATA/static.dist

[site]
debug = False
url = http://$HOST:$PORT

[database]
backend = sqlite3
name = $DATA/db.sqlite3

[mail]
from = admin@localhost
host = 127.0.0.1
port = 25

[celery]
# empty broker: CELERY_TASK_ALWAYS_EAGER
broker =
backend =

[redis]
# Django's cache and sessions: a private redis-server (bench/side_by_side.py starts its own)
location = redis://$HOST:$REDIS_PORT/1
session = true

[locale]
language_code = en
time_zone = UTC
EOF
export PRETALX_CONFIG_FILE=$CFG
# pretalx prints a few harmless warnings on every start (root, no Celery runner).
quiet() { grep -v -e 'running pretalx as root' -e 'pretalx.W001' -e 'no Celery task runner' \
  -e 'HINT: Celery runners' -e '^System check identified' -e '^WARNINGS:' -e '^$' >&2 || true; }

# 3. a private Redis while migrating and seeding, stopped by its PID
if redis-cli -h "$HOST" -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  echo "something already listens on $HOST:$REDIS_PORT: stop it or set PRETALX_REDIS_PORT" >&2; exit 2
fi
redis-server --bind "$HOST" --port "$REDIS_PORT" --save '' --appendonly no --dir "$DATA" \
  --logfile "$DATA/redis.log" &
REDIS_PID=$!
trap 'kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 40); do redis-cli -h "$HOST" -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.25; done

if [ "${1:-}" = --reset ]; then
  log "--reset: deleting $DATA/db.sqlite3"
  rm -f "$DATA/db.sqlite3"
fi
log "migrate"
"$VENV/bin/python" -m pretalx migrate --noinput > "$DATA/migrate.log" 2>&1 \
  || { tail -20 "$DATA/migrate.log" >&2; exit 1; }
if [ ! -d "$DATA/static.dist" ]; then
  log "collectstatic"
  "$VENV/bin/python" -m pretalx collectstatic --noinput 2>&1 | quiet
fi
log "seed (does nothing if the forum is there)"
"$VENV/bin/python" "$HERE/seed.py" 2> >(quiet)
