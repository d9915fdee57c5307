#!/usr/bin/env bash
# Lints api-docs/openapi.yaml with Redocly's CLI, installed from the npm
# registry into api-docs/node_modules at the version package-lock.json pins.
set -euo pipefail
cd "$(dirname "$0")/../api-docs"
if [[ ! -x node_modules/.bin/redocly ]]; then
    npm ci --no-audit --no-fund --no-update-notifier --loglevel=error
fi
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true node_modules/.bin/redocly lint --config redocly.yaml openapi.yaml
