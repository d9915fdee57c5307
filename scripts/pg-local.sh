#!/usr/bin/env bash
# A PostgreSQL cluster of the project's own, named by a directory DIR:
#
#   pg-local.sh start DIR     create the cluster if needed, start it, create database bpa
#   pg-local.sh stop DIR      stop it (fast shutdown); no-op when it is not running
#   pg-local.sh url DIR       print the connection URL (a Unix socket, no TCP port)
#   pg-local.sh destroy DIR   stop it and delete it, data and all
#
# The cluster lives in DIR itself when it can: its owner can reach DIR, and
# DIR's path is short enough for the socket DIR/.s.PGSQL.5432 (the kernel
# allows 107 bytes) and plain (A-Z a-z 0-9 / . _ -, so that it needs no
# quoting in postgres's options or in the URL). Otherwise it lives in
#
#   /var/lib/bpa-local/NAME                                as root
#   ${XDG_DATA_HOME:-$HOME/.local/share}/bpa-local/NAME    otherwise
#
# where NAME is the end of DIR's absolute path and a hash of all of it, and
# DIR is a symbolic link to that folder. postgres refuses to run as root: as
# root the cluster belongs to the `postgres` system user and its programs run
# through runuser, and that user often cannot enter the project's folder (a
# clone under /root, a private mktemp -d folder).
set -euo pipefail

usage() {
    echo "usage: $0 start|stop|url|destroy DIR" >&2
    exit 2
}
die() {
    echo "pg-local: $*" >&2
    exit 1
}

cmd=${1:-}
dir=${2:-}
[[ -n "$cmd" && -n "$dir" ]] || usage
case "$cmd" in
start | stop | url | destroy) ;;
*) usage ;;
esac

bin=${BPA_PG_BIN:-/usr/lib/postgresql/15/bin}
superuser=bpa
database=bpa
socket=.s.PGSQL.5432
as_root=false
if [[ $(id -u) -eq 0 ]]; then as_root=true; fi

# DIR as an absolute path: its folder resolved, DIR itself not (it may be the
# link). A trailing slash would make a link look like its target.
while [[ "$dir" == */ && "$dir" != / ]]; do dir=${dir%/}; done
parent=$(dirname "$dir")
if [[ ! -d "$parent" ]]; then
    case "$cmd" in
    start) mkdir -p "$parent" ;;
    stop | destroy) exit 0 ;; # nothing was ever made there
    url) die "no cluster at $dir" ;;
    esac
fi
if [[ -d "$dir" && ! -L "$dir" ]]; then
    abs=$(cd "$dir" && pwd -P)
else
    abs="$(cd "$parent" && pwd -P)/$(basename "$dir")"
fi

plain() { [[ "$1" =~ ^[A-Za-z0-9/._-]+$ ]]; }
short() { ((${#1} + 1 + ${#socket} <= 107)); }
# As root, whether postgres can reach a folder made in $1's parent for it.
reachable() { ! $as_root || runuser -u postgres -- test -x "$(dirname "$1")"; }

# The folder for a cluster that cannot live in DIR: short and plain whatever
# DIR is, the same for the same DIR (a lost link finds its data again), and
# readable enough to tell whose it is (its `origin` file names DIR).
elsewhere() {
    local base name hash
    if $as_root; then
        base=/var/lib/bpa-local
    else
        base=${XDG_DATA_HOME:-$HOME/.local/share}/bpa-local
    fi
    name=${abs#/}
    while [[ "$name" == */*/*/* ]]; do name=${name#*/}; done
    name=$(printf '%s' "${name//\//-}" | LC_ALL=C tr -c 'A-Za-z0-9._-' _)
    while [[ "$name" == [.-]* ]]; do name=${name:1}; done
    hash=$(printf '%s' "$abs" | sha256sum | cut -c1-12)
    echo "$base/${name:0:32}${name:+-}$hash"
}

# Sets home, the folder that really holds the cluster (data, socket, log).
locate() {
    if [[ -L "$abs" ]]; then
        home=$(readlink -- "$abs")
        [[ "$home" == /* ]] || home="$(dirname "$abs")/$home"
    elif [[ -e "$abs/data" ]] || { plain "$abs" && short "$abs" && reachable "$abs"; }; then
        home=$abs
    else
        home=$(elsewhere)
    fi
    data="$home/data"
    log="$home/postgres.log"
}

as_owner() {
    if $as_root; then
        # from a folder postgres may enter, or its programs complain
        (cd "$home" && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

running() {
    [[ -f "$data/postmaster.pid" ]] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
    locate
    if ! plain "$home" || ! short "$home"; then
        die "cannot keep a cluster in $home: the socket path must be under 108 bytes" \
            "of A-Z a-z 0-9 / . _ -. Set BPA_DATABASE_URL to use another PostgreSQL."
    fi
    if [[ "$home" != "$abs" && ! -L "$abs" ]]; then
        if [[ -e "$abs" ]]; then
            rmdir "$abs" 2>/dev/null || die "$abs is in the way: the cluster must live in $home" \
                "with $abs a link to it; move $abs away"
        fi
        mkdir -p "$(dirname "$home")"
        # postgres must be able to pass through it
        if $as_root; then chmod 755 "$(dirname "$home")"; fi
        mkdir -p "$home"
        printf '%s\n' "$abs" >"$home/origin"
        ln -s "$home" "$abs"
        echo "pg-local: the cluster for $abs lives in $home ($abs links to it)"
    fi
    mkdir -p "$home"
    if $as_root; then
        chown postgres: "$home"
        if ! runuser -u postgres -- test -x "$home"; then
            die "the postgres system user cannot reach $home (PostgreSQL refuses to run as" \
                "root, so the cluster runs as postgres). Give every folder above it search" \
                "access (chmod o+x), or set BPA_DATABASE_URL."
        fi
    fi
    chmod 700 "$home"
    if [[ ! -f "$data/PG_VERSION" ]]; then
        echo "pg-local: creating a cluster in $data"
        as_owner "$bin/initdb" -D "$data" -U "$superuser" --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 >"$home/initdb.log" 2>&1 || {
            cat "$home/initdb.log" >&2
            exit 1
        }
    fi
    if ! running; then
        # setsid: a Ctrl-C meant for the daemon must not reach the postmaster,
        # which is stopped in order afterwards.
        as_owner setsid --wait "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
            -o "-c listen_addresses='' -k '$home' -c fsync=${BPA_PG_FSYNC:-on}" start >/dev/null || {
            tail -n 20 "$log" >&2
            exit 1
        }
    fi
    if ! "$bin/psql" "postgresql:///postgres?host=$home&user=$superuser" -Atqc \
        "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
        "$bin/createdb" -h "$home" -U "$superuser" "$database"
    fi
}

stop() {
    locate
    if running; then
        as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
}

url() {
    locate
    # home is plain (start makes sure of it): nothing in it needs percent-encoding
    plain "$home" || die "$home is not a pg-local cluster's folder"
    echo "postgresql:///$database?host=$home&user=$superuser"
}

destroy() {
    stop
    if [[ -d "$home" ]]; then
        # only ever a folder that holds a cluster of ours, or nothing
        if [[ ! -e "$home/data/PG_VERSION" && ! -e "$home/origin" && ! -e "$home/initdb.log" &&
            -n "$(ls -A "$home")" ]]; then
            die "$home holds no pg-local cluster; left alone"
        fi
        rm -rf -- "$home"
        echo "pg-local: removed $home"
    fi
    if [[ -L "$abs" ]]; then rm -- "$abs"; fi
}

"$cmd"
