#!/usr/bin/env bash
# Runs every test of the project: UI checks and unit tests, Rust lints and tests (client, sandbox, app),
# the sandbox CLI with curl, and the end-to-end tests of the real app under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s ===\n' "$*"; }

step "system packages"
scripts/setup-debian.sh

step "UI: install, type check, unit tests, build"
(cd ui && npm ci --no-audit --no-fund --loglevel=error)
(cd ui && npx tsc --noEmit && npm run --silent check && npm test --silent && npm run --silent build)

step "Rust: format, lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust: tests"
cargo test --workspace --locked

step "generated TypeScript bindings are committed and current"
scripts/check-bindings.sh

step "sandbox CLI and curl"
scripts/check-sandbox-cli.sh

if [ -x scripts/e2e.sh ]; then
  step "end-to-end: the real app under Xvfb"
  scripts/e2e.sh
fi
echo
echo "All tests passed."
