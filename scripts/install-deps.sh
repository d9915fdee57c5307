#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the local database
# need, when they are missing. As root it runs apt-get itself; otherwise it
# prints the exact command to run and fails.
set -euo pipefail

packages=(
    gcc g++ make pkg-config clang-format util-linux unzip
    libmicrohttpd-dev libjansson-dev libsodium-dev libpq-dev libcurl4-openssl-dev
    check
    liblemon-dev # a cohort round's optimal assignment (matcher/flow.cc), header-only
    libglpk-dev  # make bench: GLPK's solvers, compared with LEMON's (bench/round_bench.c)
    postgresql-15 postgresql-client-15
    nodejs npm
    clang libclang-rt-dev # libFuzzer, for the fuzzing harnesses (tests/fuzz)
    wrk curl              # make bench: the request path under load
    chromium              # make test: the console's browser tests (tests/browser)
    jq                    # the README's walkthrough, and make test, which runs it
)

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

# Node.js may come from outside Debian (nodesource, nvm): a working node and
# npm on PATH is as good as the packages.
if command -v node >/dev/null && command -v npm >/dev/null; then
    kept=()
    for pkg in "${missing[@]}"; do
        [[ "$pkg" == nodejs || "$pkg" == npm ]] || kept+=("$pkg")
    done
    missing=("${kept[@]}")
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "missing packages: ${missing[*]}" >&2
    echo "install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
