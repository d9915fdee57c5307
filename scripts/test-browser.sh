#!/usr/bin/env bash
# The console's end-to-end tests in a real browser (Debian's chromium, driven
# by playwright-core; tests/browser/). Makes a throwaway PostgreSQL cluster,
# migrates it, loads the reference fixture and the demo world with fresh
# credentials, serves the daemon on a free port, runs every
# tests/browser/*.test.mjs and removes it all again, whatever happens.
# Screenshots and the accessibility summary go to build/browser/.
#
#   scripts/test-browser.sh [BPA_SERVER_BINARY]           (default build/bpa-server)
#   scripts/test-browser.sh --bench [BPA_SERVER_BINARY]   tests/browser/bench-queue.mjs instead
#
# Environment: BPA_BROWSER_ONLY=substring runs only the tests whose name has
# it; CHROMIUM (default /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

run=tests/browser/run.mjs
if [[ ${1:-} == --bench ]]; then
    run=tests/browser/bench-queue.mjs
    shift
fi
server=${1:-build/bpa-server}
chromium=${CHROMIUM:-/usr/bin/chromium}
out=build/browser
[[ -x "$server" ]] || { echo "test-browser: no daemon at $server (make build first)" >&2; exit 1; }
[[ -x "$chromium" ]] || { echo "test-browser: no chromium at $chromium (scripts/install-deps.sh)" >&2; exit 1; }

# The npm packages (playwright-core, axe-core), at the versions the lock pins;
# Playwright's own browsers are never downloaded.
if [[ ! -d tests/browser/node_modules || tests/browser/package-lock.json -nt tests/browser/node_modules ]]; then
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
        npm ci --no-audit --no-fund --no-update-notifier --loglevel=error ${NPM_CI_FLAGS:-})
    touch tests/browser/node_modules
fi

work=$(mktemp -d /tmp/bpa-browser.XXXXXX)
# As root the cluster belongs to postgres: with search access to $work it can
# stay in $work/pg (see pg-local.sh and bench.sh).
chmod 711 "$work"
daemon=
cleanup() {
    local status=$?
    if [[ -n "$daemon" ]] && kill -0 "$daemon" 2>/dev/null; then
        kill -TERM "$daemon" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$daemon" 2>/dev/null || true
        wait "$daemon" 2>/dev/null || true
    fi
    # destroy, not stop: it also removes a cluster pg-local had to keep elsewhere
    scripts/pg-local.sh destroy "$work/pg" >/dev/null 2>&1 || true
    rm -rf -- "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

quiet() { # runs "$@", shows its output only when it fails
    local log
    if ! log=$("$@" 2>&1); then
        echo "test-browser: failed: $*" >&2
        echo "$log" | tail -n 20 >&2
        return 1
    fi
}

BPA_PG_FSYNC=off quiet scripts/pg-local.sh start "$work/pg"
url=$(scripts/pg-local.sh url "$work/pg")
export BPA_DATABASE_URL=$url
quiet "$server" migrate
# The integration tests' small reference world, then the demo world of
# `make run` (whose skills and postcodes skip those already there).
quiet psql "$url" -q -v ON_ERROR_STOP=1 --single-transaction -f tests/integration/fixtures/reference.sql
quiet psql "$url" -q -v ON_ERROR_STOP=1 --single-transaction -f scripts/demo.sql

# Fresh credentials, as scripts/run.sh makes them, kept only in $work.
password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
printf '%s\n' "$password" | quiet "$server" create-coordinator browser-coordinator@example.org
employer=$(psql "$url" -Atqc "SELECT id FROM employers WHERE kvk_number = '90000001'")
printf '%s\n' "$password" |
    quiet "$server" create-employer-user browser-employer@example.org --employer "$employer"
portal=$(psql "$url" -Atqc "SELECT id FROM portals WHERE name = 'Wijkteam Laak (demo)'")
key=$("$server" create-key "$portal" 2>/dev/null | sed -n 's/.*"api_key": "\(.*\)".*/\1/p')
[[ -n "$key" ]] || { echo "test-browser: could not make the portal's API key" >&2; exit 1; }
(
    umask 077
    cat >"$work/credentials.json" <<JSON
{"coordinator": {"email": "browser-coordinator@example.org", "password": "$password"},
 "employer": {"email": "browser-employer@example.org", "password": "$password", "employer_id": $employer},
 "portal": {"id": $portal, "api_key": "$key"}}
JSON
)

# A free port; the daemon says whether it got it by answering /readyz.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=
for _ in $(seq 20); do
    candidate=$((18300 + RANDOM % 500))
    if port_free "$candidate"; then port=$candidate; break; fi
done
[[ -n "$port" ]] || { echo "test-browser: no free port in 18300-18799" >&2; exit 1; }
"$server" --listen 127.0.0.1 --port "$port" --log-level warn >"$work/daemon.log" 2>&1 &
daemon=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do
    if curl -fsS -o /dev/null "$base/readyz" 2>/dev/null; then break; fi
    if ! kill -0 "$daemon" 2>/dev/null; then
        echo "test-browser: the daemon stopped:" >&2
        tail -n 20 "$work/daemon.log" >&2
        exit 1
    fi
    sleep 0.1
done
curl -fsS -o /dev/null "$base/readyz" || { echo "test-browser: the daemon is not ready" >&2; exit 1; }

mkdir -p "$out" "$work/tmp"
if [[ $run == tests/browser/run.mjs ]]; then rm -f "$out"/*.png "$out"/axe.json; fi
status=0
# TMPDIR: chromium's profile folders go to $work too, removed whatever happens.
TMPDIR="$work/tmp" FORCE_COLOR=0 NO_COLOR=1 \
    BPA_BROWSER_BASE_URL=$base \
    BPA_BROWSER_DATABASE_URL=$url \
    BPA_BROWSER_CREDENTIALS="$work/credentials.json" \
    BPA_BROWSER_OUT=$out \
    BPA_BROWSER_CHROMIUM=$chromium \
    node "$run" || status=$?
# The daemon stops gracefully and cleanly (a sanitized build reports here).
kill -TERM "$daemon"
daemon_status=0
wait "$daemon" || daemon_status=$?
daemon=
if [[ $daemon_status -ne 0 ]]; then
    echo "test-browser: the daemon exited with status $daemon_status"
    status=1
fi
if [[ $status -ne 0 && -s "$work/daemon.log" ]]; then
    echo "-- the daemon's log (warnings and errors), last lines:"
    tail -n 15 "$work/daemon.log"
fi
exit "$status"
