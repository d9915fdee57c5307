#!/usr/bin/env bash
# The request path, measured: `GET /v1/placements/{id}` with a coordinator's
# session through a running release bpa-server under wrk, then pgbench
# (-M prepared) running the statements that request needs on the same
# database, one after the other in the same run, and their ratio.
#
# Usage: bench-http.sh DATABASE_URL   (a migrated database; the demo world is
# loaded into it when it has no employers). BENCH_HTTP_SECONDS (default 10)
# per measurement, BENCH_HTTP_CONNECTIONS (default 8).
set -euo pipefail
cd "$(dirname "$0")/.."
url=$1
seconds=${BENCH_HTTP_SECONDS:-10}
connections=${BENCH_HTTP_CONNECTIONS:-8}
port=${BENCH_HTTP_PORT:-18181}
for tool in wrk pgbench curl; do
    command -v "$tool" >/dev/null || {
        echo "bench-http: needs $tool (scripts/install-deps.sh installs it)" >&2
        exit 1
    }
done

work=$(mktemp -d /tmp/bpa-bench-http.XXXXXX)
daemon=
cleanup() {
    if [[ -n "$daemon" ]]; then
        kill "$daemon" 2>/dev/null || true
        wait "$daemon" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if [[ $(psql "$url" -Atqc "SELECT count(*) FROM employers") == 0 ]]; then
    psql "$url" -q -v ON_ERROR_STOP=1 --single-transaction -f scripts/demo.sql
fi
# A settled database: no autovacuum pass after a bulk load while measuring.
psql "$url" -qc "VACUUM ANALYZE"
password=bench-password-$RANDOM$RANDOM
email="bench-$RANDOM$RANDOM@example.org"
printf '%s\n' "$password" | build/bpa-server create-coordinator "$email" --database-url "$url" >/dev/null

# The daemon as it would run: request log on (to a file), default pool.
build/bpa-server --database-url "$url" --port "$port" --rate-limit 100000000 \
    2>"$work/server.log" &
daemon=$!
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
token=$(curl -fs -X POST "http://127.0.0.1:$port/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/')
placement=$(psql "$url" -Atqc "SELECT min(id) FROM placements")
path="/v1/placements/$placement"
curl -fs -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" || {
    echo "bench-http: GET $path failed" >&2
    exit 1
}

# The same statements the daemon runs for that request (server/db/access.c
# and server/db/documents.c), with the same parameters ($1, $2) bound to
# pgbench variables, so both are planned and cached alike.
hash=$(psql "$url" -Atqc "SELECT token_hash FROM sessions ORDER BY created_at DESC LIMIT 1")
cat >"$work/both.sql" <<'SQL'
SELECT json_build_object('role', a.role, 'id', a.id, 'employer_id', a.employer_id, 'stale', s.last_used_at < now() - make_interval(secs => least(30, :idle::float8 / 4)), 'valid_for', extract(epoch FROM least(s.expires_at - now(), s.last_used_at + make_interval(secs => :idle::float8) - now()))) FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = :hash::bytea AND s.revoked_at IS NULL AND s.expires_at > now() AND s.last_used_at > now() - make_interval(secs => :idle::float8) AND NOT a.disabled;
SELECT doc FROM placement_documents WHERE id = :id;
SQL
echo 'SELECT doc FROM placement_documents WHERE id = :id;' >"$work/document.sql"
variables=(-D "id=$placement" -D "hash=$hash" -D idle=1800)

threads=$((connections < 2 ? connections : 2))
rate() { sed -n "$1" | awk '{print int($NF + 0.5)}'; }
wrk -t "$threads" -c "$connections" -d "${seconds}s" --latency \
    -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" >"$work/wrk.txt"
daemon_rps=$(grep 'Requests/sec' "$work/wrk.txt" | awk '{print int($2 + 0.5)}')
daemon_p50=$(grep -E '^ +50%' "$work/wrk.txt" | awk '{print $2}')
daemon_p99=$(grep -E '^ +99%' "$work/wrk.txt" | awk '{print $2}')
errors=$(grep -E 'Non-2xx|Socket errors' "$work/wrk.txt" || true)

pg() { pgbench -n -M prepared -c "$connections" -j "$threads" -T "$seconds" "${variables[@]}" -f "$1" "$url" 2>/dev/null; }
both_tps=$(pg "$work/both.sql" | grep -E '^tps' | rate 's/^tps = \([0-9.]*\).*/\1/p')
document_tps=$(pg "$work/document.sql" | grep -E '^tps' | rate 's/^tps = \([0-9.]*\).*/\1/p')

# The same over many documents, a different one at random for each request,
# so the daemon can seldom reuse a reply it made (handlers/reply_memo.h):
# ids first..last when all of them exist (make bench has loaded 100,000).
first=$(psql "$url" -Atqc "SELECT min(id) FROM placements")
last=$(psql "$url" -Atqc "SELECT least(max(id), min(id) + 9999) FROM placements")
spread=$(psql "$url" -Atqc "SELECT count(*) FROM placements WHERE id BETWEEN $first AND $last")
if ((spread == last - first + 1 && spread >= 1000)); then
    cat >"$work/random.lua" <<'LUA'
local first, last = tonumber(os.getenv("BPA_FIRST")), tonumber(os.getenv("BPA_LAST"))
request = function()
    return wrk.format(nil, "/v1/placements/" .. math.random(first, last))
end
LUA
    BPA_FIRST=$first BPA_LAST=$last wrk -t "$threads" -c "$connections" -d "${seconds}s" --latency \
        -s "$work/random.lua" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/" \
        >"$work/wrk-random.txt"
    random_rps=$(grep 'Requests/sec' "$work/wrk-random.txt" | awk '{print int($2 + 0.5)}')
    errors+=$(grep -E 'Non-2xx|Socket errors' "$work/wrk-random.txt" || true)
    { echo "\\set id random($first, $last)"; cat "$work/both.sql"; } >"$work/both-random.sql"
    random_tps=$(pg "$work/both-random.sql" | grep -E '^tps' | rate 's/^tps = \([0-9.]*\).*/\1/p')
fi

echo "## The request path: GET $path (a coordinator's session)"
echo
echo "$connections connections, ${seconds} s each, one after the other:"
echo
echo "| what | per second | vs. session + document | vs. document alone |"
echo "|---|---|---|---|"
awk -v d="$daemon_rps" -v b="$both_tps" -v o="$document_tps" -v p50="$daemon_p50" -v p99="$daemon_p99" 'BEGIN {
    printf "| bpa-server under wrk (p50 %s, p99 %s) | %d | %.2f | %.2f |\n", p50, p99, d, d / b, d / o
    printf "| pgbench -M prepared: session lookup + document | %d | 1.00 | %.2f |\n", b, b / o
    printf "| pgbench -M prepared: document alone | %d | | 1.00 |\n", o
}'
if [[ -n "${random_rps:-}" ]]; then
    echo
    echo "The same over $spread placements, a different one at random for each request:"
    echo
    echo "| what | per second | vs. session + document |"
    echo "|---|---|---|"
    awk -v d="$random_rps" -v b="$random_tps" 'BEGIN {
        printf "| bpa-server under wrk | %d | %.2f |\n", d, d / b
        printf "| pgbench -M prepared: session lookup + document | %d | 1.00 |\n", b
    }'
fi
[[ -z "$errors" ]] || echo "wrk reported: $errors"
