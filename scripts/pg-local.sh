#!/usr/bin/env bash
# A PostgreSQL cluster that lives in a directory of the project's own:
#
#   pg-local.sh start DIR   create the cluster in DIR if needed, start it, create database bpa
#   pg-local.sh stop DIR    stop it (fast shutdown); no-op when it is not running
#   pg-local.sh url DIR     print the connection URL (a Unix socket in DIR, no TCP port)
#
# postgres refuses to run as root: as root the cluster belongs to the
# `postgres` system user and its programs run through runuser.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
    echo "usage: $0 start|stop|url DIR" >&2
    exit 2
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

bin=${BPA_PG_BIN:-/usr/lib/postgresql/15/bin}
data="$dir/data"
log="$dir/postgres.log"
superuser=bpa
database=bpa

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        # from a folder postgres may enter, or its programs complain
        (cd "$dir" && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

url() {
    echo "postgresql:///$database?host=$dir&user=$superuser"
}

running() {
    [[ -f "$data/postmaster.pid" ]] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$dir"
        if ! runuser -u postgres -- test -x "$dir"; then
            echo "pg-local: the postgres system user cannot reach $dir (PostgreSQL refuses to" \
                "run as root, so the cluster runs as postgres). Give every folder above it" \
                "search access (chmod o+x), clone the project elsewhere, or set" \
                "BPA_DATABASE_URL." >&2
            exit 1
        fi
    fi
    chmod 700 "$dir"
    if [[ ! -f "$data/PG_VERSION" ]]; then
        echo "pg-local: creating a cluster in $data"
        as_owner "$bin/initdb" -D "$data" -U "$superuser" --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
            cat "$dir/initdb.log" >&2
            exit 1
        }
    fi
    if ! running; then
        # setsid: a Ctrl-C meant for the daemon must not reach the postmaster,
        # which is stopped in order afterwards.
        as_owner setsid --wait "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
            -o "-c listen_addresses='' -k '$dir' -c fsync=${BPA_PG_FSYNC:-on}" start >/dev/null || {
            tail -n 20 "$log" >&2
            exit 1
        }
    fi
    if ! "$bin/psql" "postgresql:///postgres?host=$dir&user=$superuser" -Atqc \
        "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
        "$bin/createdb" -h "$dir" -U "$superuser" "$database"
    fi
}

stop() {
    if running; then
        as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
}

case "$cmd" in
start) start ;;
stop) stop ;;
url) url ;;
*)
    echo "usage: $0 start|stop|url DIR" >&2
    exit 2
    ;;
esac
