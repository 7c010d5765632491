#!/usr/bin/env bash
# Builds the Linux installer (.deb) with the project's Tauri CLI: release build of the app with the UI embedded.
# Prints the path of the .deb. (Windows, macOS and AppImage installers are built by .github/workflows/release.yml.)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/@tauri-apps/cli ] || npm ci --no-audit --no-fund --loglevel=error
[ -d ui/node_modules ] || (cd ui && npm ci --no-audit --no-fund --loglevel=error)
# Without the updater's private key (a release secret) the installer is built without update artifacts.
config=()
if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  config=(--config '{"bundle":{"createUpdaterArtifacts":false}}')
fi
npx tauri build --ci --bundles deb "${config[@]}" >&2
ls -t target/release/bundle/deb/*.deb | head -1
