#!/usr/bin/env bash
# Runs the workspace's tests as Windows programs (x86_64-pc-windows-gnu) under Wine: the client, the sandbox, the
# audit engine, oo-check, and the app crate's command tests on Tauri's mock runtime (no webview). Each test binary
# goes through scripts/windows/wine-runner.sh (cargo's runner for the target). Extra arguments go to `cargo test`,
# e.g. `scripts/test-windows.sh -p audit journal`.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target"
fi
command -v x86_64-w64-mingw32-gcc >/dev/null || {
  echo "MinGW is missing: sudo apt-get install gcc-mingw-w64-x86-64 (or scripts/setup-debian.sh)" >&2
  exit 1
}
runner="$PWD/scripts/windows/wine-runner.sh"
# Fails here, with the line saying what to install, when Wine is missing or too old.
"$runner" cmd /c ver >/dev/null
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$runner"
# The UI is embedded into the app crate at build time.
[ -f ui/dist/index.html ] || (cd ui && npm run --silent build)
exec cargo test --workspace --locked --target "$target" "$@"
