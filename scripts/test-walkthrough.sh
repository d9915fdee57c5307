#!/usr/bin/env bash
# The README's walkthrough ("## Matches and notifications"), run as written:
# the ```sh block between <!-- walkthrough --> and <!-- /walkthrough --> is
# run with `bash -euo pipefail` in a temporary folder holding the
# var/demo-credentials.txt scripts/run.sh would write, against a daemon
# serving the demo world of `make run` on a throwaway cluster (set up as for
# the browser tests, scripts/lib-demo-daemon.sh), its `API=` line pointed at
# that daemon. Fails when the block fails or its answers are not the ones it
# promises: applied, approved, accepted, confirmed, the contact shared.
#
#   scripts/test-walkthrough.sh [BPA_SERVER_BINARY]   (default build/bpa-server)
set -euo pipefail
cd "$(dirname "$0")/.."

server=${1:-build/bpa-server}
[[ -x "$server" ]] || { echo "test-walkthrough: no daemon at $server (make build first)" >&2; exit 1; }
command -v jq >/dev/null || { echo "test-walkthrough: no jq (scripts/install-deps.sh)" >&2; exit 1; }
fail() {
    echo "test-walkthrough: $*" >&2
    exit 1
}

# The block, and the credentials file's lines as scripts/run.sh writes them
# (its here-document, so that a change of format reaches the test).
block=$(awk '/^<!-- walkthrough -->$/ { inside = 1; next }
             /^<!-- \/walkthrough -->$/ { inside = 0 }
             inside && /^```sh$/ { code = 1; next }
             inside && code && /^```$/ { code = 0; next }
             inside && code' README.md)
[[ -n "$block" ]] || fail "no \`\`\`sh block between <!-- walkthrough --> and <!-- /walkthrough --> in README.md"
[[ $(grep -c '^API=http://127\.0\.0\.1:8080$' <<<"$block") -eq 1 ]] ||
    fail "the walkthrough has no line API=http://127.0.0.1:8080 to point at the test's daemon"
credentials=$(sed -n '/<<CREDENTIALS$/,/^CREDENTIALS$/p' scripts/run.sh | sed '1d;$d')
[[ -n "$credentials" ]] || fail "no <<CREDENTIALS here-document in scripts/run.sh"

demo_name=test-walkthrough
demo_accounts=demo # the walkthrough logs in as demo-coordinator@ and demo-employer@example.org
# shellcheck source=scripts/lib-demo-daemon.sh
source scripts/lib-demo-daemon.sh
demo_daemon_setup

mkdir -p "$work/run/var"
(
    umask 077
    # run.sh's lines, with this database's password, employer, portal and key
    eval "cat >\"\$work/run/var/demo-credentials.txt\" <<CREDENTIALS
$credentials
CREDENTIALS"
)
# shellcheck disable=SC2001 # a whole line, anchored
sed "s|^API=http://127\.0\.0\.1:8080\$|API=$base|" <<<"$block" >"$work/walkthrough.sh"

status=0
started=$SECONDS
(cd "$work/run" && bash -euo pipefail "$work/walkthrough.sh") >"$work/out" 2>"$work/err" || status=$?
elapsed=$((SECONDS - started))

# What it prints, in order: the seekers, a ranking, the application, the
# webhook, the queue, then the approval's state, the employer's list, the
# acceptance's and the confirmation's states, the contact, the feed's types.
check() { # check DESCRIPTION COMMAND...: a failed promise, reported
    local description=$1
    shift
    if ! "$@" >/dev/null 2>&1; then
        echo "test-walkthrough: not as promised: $description" >&2
        status=1
    fi
}
check_line() { # check_line DESCRIPTION JQ_FILTER: some line of the output satisfies it
    check "$1" jq -se "any(.[]; $2)" "$work/out"
}
if [[ $status -ne 0 ]]; then
    echo "test-walkthrough: the walkthrough failed (status $status)" >&2
else
    check "the output is JSON, one value a line" jq -se 'length > 10' "$work/out"
    check_line "the application is applied, with a score" \
        'type == "object" and .state == "applied" and (.id | type) == "number" and (.score | type) == "number"'
    check_line "the webhook registration answers with a secret" \
        'type == "object" and (.url | type) == "string" and (.secret | type) == "string"'
    check_line "the employer sees the approved match, pseudonymous" \
        'type == "object" and .state == "approved" and (.candidate | type) == "string"'
    check "the approval, acceptance and confirmation print approved, approved, confirmed" \
        jq -se '[.[] | select(type == "string")] == ["approved", "approved", "confirmed"]' "$work/out"
    check "the seeker's contact is shared after the confirmation" \
        jq -se '.[-2] | type == "object" and length > 0' "$work/out"
    check "the employer's feed has notifications" \
        jq -se '.[-1] | type == "array" and length > 0' "$work/out"
    check "nothing on stderr" test ! -s "$work/err"
fi

demo_daemon_stop || status=1
if [[ $status -ne 0 ]]; then
    echo "-- the walkthrough as run:"
    cat -n "$work/walkthrough.sh"
    echo "-- its output:"
    cat "$work/out"
    if [[ -s "$work/err" ]]; then
        echo "-- its stderr:"
        cat "$work/err"
    fi
    demo_daemon_log
    exit 1
fi
echo "walkthrough: README.md's block ran as written against the demo: applied, approved," \
    "accepted, confirmed, contact shared (${elapsed}s)"
