# shellcheck shell=bash disable=SC2154 # demo_name, server, demo_accounts: the sourcing script sets them
# Sourced (not run) by scripts/test-browser.sh and scripts/test-walkthrough.sh:
# a throwaway PostgreSQL cluster, migrated, with the integration tests' small
# reference world and the demo world of `make run`, fresh credentials as
# scripts/run.sh makes them, and the daemon on a free port; removed again,
# whatever happens, when the script exits.
#
# The sourcing script sets these, then calls demo_daemon_setup:
#   demo_name      its name, for messages and the temporary folder (test-browser)
#   server         the bpa-server binary
#   demo_accounts  the accounts are DEMO_ACCOUNTS-coordinator@example.org and
#                  DEMO_ACCOUNTS-employer@example.org (one password for both)
# demo_daemon_setup sets:
#   work      a temporary folder (/tmp/bpa-DEMO_NAME.XXXXXX), removed on exit
#   url       the database's URL (also exported as BPA_DATABASE_URL)
#   password  the accounts' password
#   employer  the demo employer's id (Binckhorst Installatietechniek)
#   portal    the demo portal's id (Wijkteam Laak), key its API key
#   base      http://127.0.0.1:PORT, where the daemon answers; daemon its pid
#   mail_dir  $work/mail, where the daemon writes every e-mail it sends as
#             <id>.eml (--mail-dir: there is no SMTP relay), links on their own line
# demo_daemon_stop stops the daemon gracefully and fails when it did not exit
# 0 (a sanitized build reports then); demo_daemon_log shows the end of its log.

demo_daemon_cleanup() {
    local status=$?
    if [[ -n "${daemon:-}" ]] && kill -0 "$daemon" 2>/dev/null; then
        kill -TERM "$daemon" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$daemon" 2>/dev/null || true
        wait "$daemon" 2>/dev/null || true
    fi
    if [[ -n "${work:-}" ]]; then
        # destroy, not stop: it also removes a cluster pg-local had to keep elsewhere
        scripts/pg-local.sh destroy "$work/pg" >/dev/null 2>&1 || true
        rm -rf -- "$work"
    fi
    exit "$status"
}

quiet() { # runs "$@", shows its output only when it fails
    local log
    if ! log=$("$@" 2>&1); then
        echo "$demo_name: failed: $*" >&2
        echo "$log" | tail -n 20 >&2
        return 1
    fi
}

demo_daemon_setup() {
    daemon=
    work=$(mktemp -d "/tmp/bpa-${demo_name#test-}.XXXXXX")
    trap demo_daemon_cleanup EXIT
    trap 'exit 130' INT TERM
    # As root the cluster belongs to postgres: with search access to $work it can
    # stay in $work/pg (see pg-local.sh and bench.sh).
    chmod 711 "$work"

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
    printf '%s\n' "$password" | quiet "$server" create-coordinator "$demo_accounts-coordinator@example.org"
    employer=$(psql "$url" -Atqc "SELECT id FROM employers WHERE kvk_number = '90000001'")
    printf '%s\n' "$password" |
        quiet "$server" create-employer-user "$demo_accounts-employer@example.org" --employer "$employer"
    portal=$(psql "$url" -Atqc "SELECT id FROM portals WHERE name = 'Wijkteam Laak (demo)'")
    key=$("$server" create-key "$portal" 2>/dev/null | sed -n 's/.*"api_key": "\(.*\)".*/\1/p')
    [[ -n "$key" ]] || { echo "$demo_name: could not make the portal's API key" >&2; exit 1; }

    # A free port; the daemon says whether it got it by answering /readyz.
    local port='' candidate
    for _ in $(seq 20); do
        candidate=$((18300 + RANDOM % 500))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
    done
    [[ -n "$port" ]] || { echo "$demo_name: no free port in 18300-18799" >&2; exit 1; }
    mail_dir="$work/mail"
    mkdir -p "$mail_dir"
    "$server" --listen 127.0.0.1 --port "$port" --log-level warn --mail-dir "$mail_dir" >"$work/daemon.log" 2>&1 &
    daemon=$!
    base="http://127.0.0.1:$port"
    for _ in $(seq 100); do
        if curl -fsS -o /dev/null "$base/readyz" 2>/dev/null; then break; fi
        if ! kill -0 "$daemon" 2>/dev/null; then
            echo "$demo_name: the daemon stopped:" >&2
            tail -n 20 "$work/daemon.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    curl -fsS -o /dev/null "$base/readyz" || { echo "$demo_name: the daemon is not ready" >&2; exit 1; }
}

demo_daemon_stop() {
    local daemon_status=0
    kill -TERM "$daemon"
    wait "$daemon" || daemon_status=$?
    daemon=
    if [[ $daemon_status -ne 0 ]]; then
        echo "$demo_name: the daemon exited with status $daemon_status"
        return 1
    fi
}

demo_daemon_log() {
    if [[ -s "$work/daemon.log" ]]; then
        echo "-- the daemon's log (warnings and errors), last lines:"
        tail -n 15 "$work/daemon.log"
    fi
}
