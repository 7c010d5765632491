#!/usr/bin/env bash
# Starts the app on the built-in demo account (a sandbox onOffice inside the app, on this PC only).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
cargo run --locked -- --demo
