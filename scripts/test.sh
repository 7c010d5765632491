#!/usr/bin/env bash
# Runs every test of the project: UI checks and unit tests, Rust lints, the code's shape (scripts/check-shape.py),
# Rust tests (client, sandbox, app, the real keychain), the same tests as Windows programs under Wine, the Windows
# release build, the macOS type checks, the workflows' lint, the sandbox CLI with curl, the end-to-end tests of the
# real app under Xvfb, and the installed .deb.
set -euo pipefail
cd "$(dirname "$0")/.."
# Nothing here reads input (cargo's probe of a target reads stdin and caches what it got, failures included).
exec </dev/null
current="" started=$SECONDS timings=()
finish() {
  if [ -n "$current" ]; then
    timings+=("$(printf '%5d s  %s' $((SECONDS - started)) "$current")")
    printf -- '--- %s: %d s\n' "$current" $((SECONDS - started))
  fi
}
# cargo keeps what rustc said about a target in target/.rustc_info.json, failures included; a probe that once went
# wrong (seen here when /dev/null had been replaced by a file) would fail every later step, so each step asks afresh.
step() { finish; current="$*" started=$SECONDS; rm -f target/.rustc_info.json; printf '\n=== %s ===\n' "$*"; }
summary() {
  local rc=$?
  finish
  printf '\nStep times:\n'
  printf '%s\n' "${timings[@]}"
  [ "$rc" -eq 0 ] || printf 'FAILED in: %s\n' "$current"
}
trap summary EXIT

step "system packages"
scripts/setup-debian.sh

step "UI: install, type check, unit tests, build"
npm ci --no-audit --no-fund --loglevel=error
(cd ui && npm ci --no-audit --no-fund --loglevel=error)
(cd ui && npx tsc --noEmit && npm run --silent check && npm test --silent && npm run --silent build)

step "Rust: format, lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "shape: no tool output in git, no function over 80 lines or file over 500, no lock unwrapped, no module cycle"
scripts/check-shape.py

step "Rust: tests (the keychain test against a private, unlocked Secret Service)"
scripts/with-keyring.sh cargo test --workspace --locked

step "generated TypeScript bindings are committed and current"
scripts/check-bindings.sh

step "Windows: lints of every Windows code path (keychain, DNS configuration, TLS verifier, proxy settings)"
rustup target list --installed | grep -qx x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu
cargo clippy --workspace --all-targets --locked --target x86_64-pc-windows-gnu -- -D warnings

step "Windows: every workspace test as a Windows program under Wine"
scripts/test-windows.sh

step "Windows: release build of agent-check.exe and oo-check.exe; oo-check.exe on the demo under Wine"
scripts/build-windows.sh

step "macOS: lints of the whole workspace for Apple silicon and Intel (type check, nothing linked)"
scripts/check-macos.sh

step "GitHub workflows: actionlint, shellcheck, the scripts and targets they name"
scripts/check-workflows.sh

step "sandbox CLI and curl"
scripts/check-sandbox-cli.sh

step "end-to-end: the real app under Xvfb"
scripts/e2e.sh

step "installer: build the .deb, install it with dpkg, start the installed app on the demo, remove it"
scripts/installed-test.sh

step "the work tree is as the tests found it (nothing written into the repository, nothing left untracked)"
if [ -n "$(git status --porcelain)" ]; then
  git status --porcelain
  echo "The tests changed or left files in the work tree (above): generated files belong in .gitignore or in git." >&2
  exit 1
fi

step "done"
echo "All tests passed."
