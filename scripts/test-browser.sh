#!/usr/bin/env bash
# The console's end-to-end tests in a real browser (Debian's chromium, driven
# by playwright-core; tests/browser/). Makes a throwaway PostgreSQL cluster,
# migrates it, loads the reference fixture and the demo world with fresh
# credentials, serves the daemon on a free port, runs every
# tests/browser/*.test.mjs and removes it all again, whatever happens. The
# daemon writes its e-mails to a folder in the temporary one (--mail-dir),
# where the tests read the links of sign-up, invitations and resets.
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

# The throwaway cluster, the demo world, fresh credentials and the daemon on
# a free port, all removed on exit (scripts/lib-demo-daemon.sh).
demo_name=test-browser
demo_accounts=browser
# shellcheck source=scripts/lib-demo-daemon.sh
source scripts/lib-demo-daemon.sh
demo_daemon_setup
(
    umask 077
    cat >"$work/credentials.json" <<JSON
{"coordinator": {"email": "browser-coordinator@example.org", "password": "$password"},
 "employer": {"email": "browser-employer@example.org", "password": "$password", "employer_id": $employer},
 "portal": {"id": $portal, "api_key": "$key"}}
JSON
)

mkdir -p "$out" "$work/tmp"
if [[ $run == tests/browser/run.mjs ]]; then rm -f "$out"/*.png "$out"/axe.json; fi
status=0
# TMPDIR: chromium's profile folders go to $work too, removed whatever happens.
TMPDIR="$work/tmp" FORCE_COLOR=0 NO_COLOR=1 \
    BPA_BROWSER_BASE_URL=$base \
    BPA_BROWSER_DATABASE_URL=$url \
    BPA_BROWSER_CREDENTIALS="$work/credentials.json" \
    BPA_BROWSER_MAIL_DIR="$mail_dir" \
    BPA_BROWSER_OUT=$out \
    BPA_BROWSER_CHROMIUM=$chromium \
    node "$run" || status=$?
# The daemon stops gracefully and cleanly (a sanitized build reports here).
demo_daemon_stop || status=1
if [[ $status -ne 0 ]]; then demo_daemon_log; fi
exit "$status"
