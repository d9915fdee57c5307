#!/usr/bin/env bash
# `make bench`: the matcher's benchmarks, then the request path against
# pgbench (scripts/bench-http.sh). Without BPA_DATABASE_URL a
# throwaway PostgreSQL cluster is made for the database part and removed
# afterwards; the ESCO skills are imported from ../shared/data first.
# BENCH_ARGS=--quick runs a smaller set. The reports (`build/bench --reports`)
# run in a second database, bpa_reports_bench, made beside the first and
# dropped afterwards: their world (10,000 placements, 100,000 matches) must
# not share the tables with the rankings' 100,000 placements.
# BENCH_REPORTS_ONLY=1 runs the reports alone.
set -euo pipefail
cd "$(dirname "$0")/.."

zip=../shared/data/esco/esco-v1.1.1-classification-en-csv.zip
if [[ ! -r ../shared/data/postcodes/geonames_NL.tsv || ! -r $zip ]]; then
    echo "bench: needs ../shared/data (postcodes and the ESCO download) beside the project" >&2
    exit 1
fi
work=$(mktemp -d /tmp/bpa-bench.XXXXXX)
# As root the cluster belongs to postgres: with search access to $work it can
# stay in $work/pg rather than move to /var/lib/bpa-local (see pg-local.sh).
chmod 711 "$work"
cleanup() {
    # destroy, not stop: it also removes a cluster pg-local had to keep elsewhere
    if [[ -n "${own_cluster:-}" ]]; then scripts/pg-local.sh destroy "$work/pg" >/dev/null || true; fi
    if [[ -n "${reports_url:-}" ]]; then psql "$url" -qc "DROP DATABASE IF EXISTS bpa_reports_bench" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

url=${BPA_DATABASE_URL:-}
if [[ -z "$url" ]]; then
    own_cluster=1
    BPA_PG_FSYNC=off scripts/pg-local.sh start "$work/pg" >/dev/null
    url=$(scripts/pg-local.sh url "$work/pg")
fi
# Quiet unless they fail: then their output says why.
if ! out=$(build/bpa-server migrate --database-url "$url" 2>&1); then
    echo "bench: migrating the benchmark database failed:" >&2
    echo "$out" >&2
    exit 1
fi
unzip -o -q "$zip" skills_en.csv occupations_en.csv -d "$work"
# The ESCO skills (and, for the reports, the occupations) into database $1.
import_esco() {
    local target=$1 kind
    shift
    for kind in "$@"; do
        if ! out=$(build/bpa-server "import-$kind" "$work/${kind}_en.csv" --database-url "$target" 2>&1); then
            echo "bench: importing the ESCO $kind failed:" >&2
            echo "$out" | tail -5 >&2
            exit 1
        fi
    done
}
import_esco "$url" skills

# The reports' database: the same URL with another dbname (a query
# parameter of a libpq URI overrides the path's database).
reports() {
    PGOPTIONS="-c client_min_messages=warning" psql "$url" -q -c "DROP DATABASE IF EXISTS bpa_reports_bench" \
        -c "CREATE DATABASE bpa_reports_bench"
    reports_url="$url$([[ $url == *\?* ]] && echo '&' || echo '?')dbname=bpa_reports_bench"
    if ! out=$(build/bpa-server migrate --database-url "$reports_url" 2>&1); then
        echo "bench: migrating the reports' database failed:" >&2
        echo "$out" >&2
        exit 1
    fi
    import_esco "$reports_url" skills occupations
    echo "## Reports (issue 15)"
    echo
    build/bench --reports --database-url "$reports_url" "${bench_args[@]}"
}

echo "# bpa matcher benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo
read -ra bench_args <<<"${BENCH_ARGS:-}" # BENCH_ARGS="--quick --other" is several arguments
if [[ -n "${BENCH_REPORTS_ONLY:-}" ]]; then
    reports
    exit 0
fi
build/bench --database-url "$url" "${bench_args[@]}"
echo
scripts/bench-http.sh "$url"
echo
reports
