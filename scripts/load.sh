#!/usr/bin/env bash
# `make load`: the app as production runs it, on 127.0.0.1 only, driven by locust.
#
# On a throwaway PostgreSQL (scripts/with-postgres.sh): migrate, collectstatic, the demo and a
# generated country (full size; LOAD_SIZE=small for a quick run), then gunicorn (2 workers,
# deploy/gunicorn.conf.py), the task worker (manage.py db_worker) and nginx (Debian's package,
# deploy/nginx/folkhalsa.conf rendered for the loopback with a self-signed certificate). The
# commands are those of docs/DEPLOYMENT.md. Locust, headless and bounded in time, runs the mix of
# load/locustfile.py at each level of LOAD_LEVELS, then once more while a 2,000-measure
# follow-up renders; load/report.py prints the figures and writes them to bench/load-results.md.
# Everything started here is stopped on exit.
#
# LOAD_SIZE=full|small, LOAD_LEVELS="5 10 20", LOAD_RUN_TIME=60s, LOAD_BIG_USERS=10,
# LOAD_BIG_DELAY=30 (seconds of pages before the big follow-up is asked), LOAD_KEEP=1 keeps the
# working directory (logs, samples) and says where.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--inside" ]; then
  REQUIRE_POSTGRES=1 exec scripts/with-postgres.sh "$0" --inside
fi

VENV=${VENV:-.venv}
PY=$VENV/bin/python
SIZE=${LOAD_SIZE:-full}
LEVELS=${LOAD_LEVELS:-5 10 20}
RUN_TIME=${LOAD_RUN_TIME:-60s}
BIG_USERS=${LOAD_BIG_USERS:-10}
export LOAD_BIG_DELAY=${LOAD_BIG_DELAY:-30}

# nginx as production has it: Debian's package.
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "load: installing nginx (Debian's package)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx >/dev/null
    NGINX=/usr/sbin/nginx
  else
    echo "load: nginx is missing: sudo apt-get install nginx (or run make load as root)" >&2
    exit 1
  fi
fi

work=$(mktemp -d)
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${LOAD_KEEP:-0}" = "1" ]; then echo "load: kept $work"; else rm -rf "$work"; fi
}
trap stop EXIT

free_port() {
  $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
APP_PORT=$(free_port)
HTTPS_PORT=$(free_port)
HTTP_PORT=$(free_port)
BASE=https://127.0.0.1:$HTTPS_PORT

# Production's settings (deploy/folkhalsa.env.example) for this machine's loopback.
export DEBUG=false
export SECRET_KEY="load-only-$($PY -c 'import secrets; print(secrets.token_urlsafe(40))')"
export ALLOWED_HOSTS=127.0.0.1 CSRF_TRUSTED_ORIGINS=$BASE SITE_URL=$BASE
export BEHIND_TLS_PROXY=true PROXY_COUNT=1 TASKS_BACKEND=database DATABASE_CONN_MAX_AGE=60
export STATIC_ROOT=$work/static MEDIA_ROOT=$work/media
export EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend LOG_LEVEL=WARNING
# The logins of a run all come from 127.0.0.1; none fails, but the limit is not what is tested.
export AXES_ADDRESS_FAILURE_LIMIT=100000
# The simulated users share a few accounts each: a person's cap on waiting documents would refuse
# them (the cap itself is tested in tests/test_document_progress.py).
export DOCUMENT_PENDING_PER_USER=1000

echo "== the database: migrate, collectstatic, the demo, a country ($SIZE)"
$PY manage.py migrate --noinput --verbosity 0
$PY manage.py collectstatic --noinput --verbosity 0
$PY manage.py check --deploy --fail-level WARNING
$PY manage.py load_demo --force >/dev/null
# The request log lines of the addresses tried go to a file; a failure shows its end.
REQUEST_LOG_LEVEL=warning $PY -m load.build --size "$SIZE" --output "$work/targets.json" \
  2>"$work/build.log" \
  || { tail -40 "$work/build.log" >&2; exit 1; }

echo "== gunicorn (2 workers), the task worker, nginx on $BASE"
GUNICORN_BIND=127.0.0.1:$APP_PORT GUNICORN_WORKERS=2 \
  $VENV/bin/gunicorn -c deploy/gunicorn.conf.py folkhalsa.wsgi >"$work/gunicorn.log" 2>&1 &
pids+=($!)
nice -n 10 $PY manage.py db_worker --no-reload >"$work/worker.log" 2>&1 &
pids+=($!)
mkdir -p "$work/nginx"
conf=$($PY -m load.nginx_conf "$work/nginx" --https-port "$HTTPS_PORT" --http-port "$HTTP_PORT" \
  --app-port "$APP_PORT" --static-root "$STATIC_ROOT")
chmod o+rx "$work"  # nginx's workers (www-data when started by root) read the static files
"$NGINX" -t -q -e "$work/nginx/error.log" -c "$conf"
"$NGINX" -e "$work/nginx/error.log" -c "$conf" &
pids+=($!)

$PY - "$BASE" "http://127.0.0.1:$HTTP_PORT" <<'EOF' || { tail -n 20 "$work"/*.log "$work"/nginx/*.log >&2; exit 1; }
"""Wait for the site through nginx; show the redirect to HTTPS and the health check."""
import ssl, sys, time, urllib.error, urllib.request

base, plain = sys.argv[1], sys.argv[2]
context = ssl._create_unverified_context()
started = time.monotonic()
while time.monotonic() - started < 120:
    try:
        urllib.request.urlopen(base + "/", context=context, timeout=30)
        break
    except OSError:  # refused while starting, or a first answer slower than the timeout
        time.sleep(0.5)
else:
    sys.exit("load: the site did not answer through nginx in 120 s")

# The worker first works off what the build queued (the demo's documents): the health check
# answers 503 while a task has waited too long, 200 once the worker keeps up.
for _ in range(60):
    try:
        urllib.request.urlopen(plain + "/halsa/", timeout=10)
        break
    except urllib.error.HTTPError:
        time.sleep(5)
else:
    sys.exit("load: the health check did not answer 200 in 300 s")

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None

opener = urllib.request.build_opener(NoRedirect)
for path in ("/planer/", "/halsa/"):
    try:
        answer = opener.open(plain + path, timeout=10)
        print(f"load: http://…{path} answers {answer.status}")
    except urllib.error.HTTPError as error:
        print(f"load: http://…{path} answers {error.code} {error.headers.get('Location', '')}")
EOF

locust_run() {  # samples file, users, run time, user classes…
  local samples=$1 users=$2 run_time=$3
  shift 3
  LOAD_TARGETS=$work/targets.json LOAD_SAMPLES=$samples $VENV/bin/locust \
    -f load/locustfile.py --headless --only-summary --loglevel WARNING \
    --host "$BASE" --users "$users" --spawn-rate "$users" --run-time "$run_time" \
    --stop-timeout 60 "$@" >"$samples.log" 2>&1 || true
}

for users in $LEVELS; do
  echo "== $users users for $RUN_TIME"
  locust_run "$work/level-$users.jsonl" "$users" "$RUN_TIME" \
    Strategist Reporter Secretary Anonymous Publisher
done
echo "== $BIG_USERS users, and a 2,000-measure follow-up asked after ${LOAD_BIG_DELAY} s"
locust_run "$work/big.jsonl" "$((BIG_USERS + 1))" 600s \
  Strategist Reporter Secretary Anonymous BigFollowUp

header="Size: $SIZE ($($PY -c 'import json, sys; print(json.load(open(sys.argv[1]))["size"])' \
  "$work/targets.json")). gunicorn with 2 sync workers, one task worker (nice 10), nginx with TLS, \
locust and PostgreSQL all on one machine of $(nproc) cores, on 127.0.0.1; each level runs \
$RUN_TIME. Times in ms; a document's \"until file\" is from its first request to its bytes."
$PY -m load.report "$work" --levels "$LEVELS" --size "$SIZE" --header "$header" \
  | tee bench/load-results.md

echo "== backup, and a restore into an empty database, compared with the archive's manifest"
$PY manage.py backup --output "$work/backup.tar"
createdb --maintenance-db="$DATABASE_URL" folkhalsa_check
mkdir -p "$work/media-check"
DATABASE_URL=${DATABASE_URL%/*}/folkhalsa_check MEDIA_ROOT=$work/media-check \
  $PY manage.py restore "$work/backup.tar"

echo "== what the server saw"
awk '{print $9}' "$work/nginx/access.log" | sort | uniq -c | sort -rn | sed 's/^/nginx status /'
if grep -q "Traceback\|WORKER TIMEOUT" "$work/gunicorn.log" "$work/worker.log"; then
  echo "load: errors in the app's logs:" >&2
  grep -B2 -A30 "Traceback\|WORKER TIMEOUT" "$work/gunicorn.log" "$work/worker.log" | tail -80 >&2
fi
grep -h "failures\|Error" "$work"/*.jsonl.log | sort | uniq -c | head -20 || true
