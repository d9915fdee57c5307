#!/usr/bin/env bash
# `make run`: serve the API. Without BPA_DATABASE_URL a PostgreSQL cluster is
# started in var/pg/ (or where var/pg links to, see pg-local.sh), kept between
# runs, and stopped again when the daemon stops. Extra arguments go to
# bpa-server.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${BPA_DATABASE_URL:-}" ]]; then
    scripts/pg-local.sh start var/pg
    trap 'echo "stopping the local PostgreSQL in var/pg"; scripts/pg-local.sh stop var/pg' EXIT
    BPA_DATABASE_URL=$(scripts/pg-local.sh url var/pg)
    export BPA_DATABASE_URL
fi

build/bpa-server migrate
# An empty database gets the demo world, so that there is something to see.
if [[ $(psql "$BPA_DATABASE_URL" -Atqc "SELECT count(*) FROM employers") == 0 ]]; then
    echo "loading the demo world (scripts/demo.sql) into the empty database"
    psql "$BPA_DATABASE_URL" -q -v ON_ERROR_STOP=1 --single-transaction -f scripts/demo.sql
    # Demo credentials, random for this database, kept in var/ (not in git).
    password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
    printf '%s\n' "$password" | build/bpa-server create-coordinator demo-coordinator@example.org >/dev/null
    employer=$(psql "$BPA_DATABASE_URL" -Atqc "SELECT id FROM employers WHERE kvk_number = '90000001'")
    printf '%s\n' "$password" |
        build/bpa-server create-employer-user demo-employer@example.org --employer "$employer" >/dev/null
    portal=$(psql "$BPA_DATABASE_URL" -Atqc "SELECT id FROM portals WHERE name = 'Wijkteam Laak (demo)'")
    key=$(build/bpa-server create-key "$portal" 2>/dev/null | sed -n 's/.*"api_key": "\(.*\)".*/\1/p')
    mkdir -p var
    (
        umask 077
        cat >var/demo-credentials.txt <<CREDENTIALS
coordinator  demo-coordinator@example.org  password: $password
employer     demo-employer@example.org     password: $password  (Binckhorst Installatietechniek)
portal       Wijkteam Laak (demo)          API key:  $key
CREDENTIALS
    )
    echo "demo credentials (also in var/demo-credentials.txt):"
    sed 's/^/  /' var/demo-credentials.txt
fi

# With no SMTP relay, e-mail (sign-up confirmations, invitations, password
# resets) is written to var/mail/ as files, so that its links can be read.
mail=()
if [[ -z "${BPA_SMTP_URL:-}" && -z "${BPA_MAIL_DIR:-}" ]]; then
    mkdir -p var/mail
    mail=(--mail-dir var/mail)
    echo "e-mail goes to files in var/mail/ (no BPA_SMTP_URL): the newest holds the latest link"
fi

echo "serving on http://${BPA_LISTEN_ADDRESS:-127.0.0.1}:${BPA_PORT:-8080} (Ctrl-C stops)"
# Not exec: the EXIT trap must run after the daemon has stopped. Ctrl-C
# reaches the daemon, which stops gracefully and exits 0.
build/bpa-server "${mail[@]}" "$@"
