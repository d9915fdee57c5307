#!/usr/bin/env bash
# `make test` after the build: the format check, the unit tests, the OpenAPI
# lint, every integration test binary, then a short run of each fuzzing
# harness, the console's browser tests and the README's walkthrough. Runs
# them all and fails if any failed. Usage: test.sh BUILD_DIR INTEGRATION_BINARY...
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
build=$1
shift

export BPA_SERVER_BIN="$build/bpa-server"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export CK_VERBOSITY=${CK_VERBOSITY:-normal}
# Every response the integration tests receive, for the conformance check.
export BPA_RESPONSE_LOG="$build/responses.jsonl"
rm -f "$BPA_RESPONSE_LOG"

failed=()
step() {
    local name=$1
    shift
    echo "== $name"
    if ! "$@"; then
        failed+=("$name")
    fi
}

step "format" make --no-print-directory check-format
step "unit" "$build/unit-tests"
step "openapi lint" scripts/lint-openapi.sh
for binary in "$@"; do
    step "integration: $(basename "$binary")" "$binary"
done
# A crash once added to tests/fuzz/corpus is found again here.
step "fuzz smoke" scripts/fuzz.sh --smoke
# The console in Chromium: screenshots and axe results in build/browser/.
step "browser (console in chromium)" scripts/test-browser.sh "$build/bpa-server"
# The README's walkthrough, run as written against the demo world.
step "walkthrough (README.md)" scripts/test-walkthrough.sh "$build/bpa-server"
step "responses conform to openapi.yaml" node api-docs/check-responses.mjs "$BPA_RESPONSE_LOG"

echo
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "FAILED: ${failed[*]}"
    exit 1
fi
echo "all tests passed"
