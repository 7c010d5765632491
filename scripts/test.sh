#!/usr/bin/env bash
# Runs every test of the project: UI checks and unit tests, Rust lints and tests (client, sandbox, app),
# the Windows type check, the sandbox CLI with curl, the end-to-end tests of the real app under Xvfb, and the
# installed .deb.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s ===\n' "$*"; }

step "system packages"
scripts/setup-debian.sh

step "UI: install, type check, unit tests, build"
npm ci --no-audit --no-fund --loglevel=error
(cd ui && npm ci --no-audit --no-fund --loglevel=error)
(cd ui && npx tsc --noEmit && npm run --silent check && npm test --silent && npm run --silent build)

step "Rust: format, lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust: tests"
cargo test --workspace --locked

step "Windows code paths type-check (keychain, DNS configuration, TLS verifier, proxy settings)"
rustup target list --installed | grep -qx x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu
cargo check --workspace --all-targets --locked --target x86_64-pc-windows-gnu

step "generated TypeScript bindings are committed and current"
scripts/check-bindings.sh

step "sandbox CLI and curl"
scripts/check-sandbox-cli.sh

if [ -x scripts/e2e.sh ]; then
  step "end-to-end: the real app under Xvfb"
  scripts/e2e.sh
fi
step "installer: build the .deb, install it with dpkg, start the installed app on the demo, remove it"
scripts/installed-test.sh

echo
echo "All tests passed."
