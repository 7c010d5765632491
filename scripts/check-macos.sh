#!/usr/bin/env bash
# The macOS type check on Linux: clippy with -D warnings over the whole workspace (the app crate included: keyring's
# Keychain store, wry, objc2) for Apple silicon and Intel Macs. Nothing is linked or run; ring's C parts are compiled
# with zig (PyPI `ziglang`, installed on first use into target/tools/zig) through scripts/macos/zig-cc.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${CARGO_TARGET_DIR:-$PWD/target}/tools/zig"
if ! "$tools/bin/python" -c 'import ziglang' 2>/dev/null; then
  echo "installing zig (PyPI ziglang) into $tools"
  python3 -m venv "$tools" || { echo "python3 -m venv failed: sudo apt-get install python3-venv" >&2; exit 1; }
  "$tools/bin/pip" install --quiet --disable-pip-version-check ziglang
fi
export PYTHON="$tools/bin/python"
[ -f ui/dist/index.html ] || (cd ui && npm run --silent build)
for target in aarch64-apple-darwin x86_64-apple-darwin; do
  rustup target list --installed | grep -qx "$target" || rustup target add "$target"
  start=$SECONDS
  env "CC_${target//-/_}=$PWD/scripts/macos/zig-cc.sh" \
    cargo clippy --workspace --all-targets --locked --target "$target" -- -D warnings
  echo "macOS $target: clippy clean in $((SECONDS - start)) s"
done
