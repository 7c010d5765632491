#!/usr/bin/env bash
# End-to-end tests in the real app: builds it, then runs tests/e2e/run.mjs under Xvfb in its own D-Bus session with
# an unlocked GNOME keyring (scripts/with-keyring.sh; the app stores credentials through Secret Service). Screenshots land in tests/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd ui && npm run --silent build)  # always: a stale build would test old screens
cargo build --locked -q -p agent-check -p onoffice-sandbox
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
command -v WebKitWebDriver >/dev/null || { echo "WebKitWebDriver missing: apt-get install webkit2gtk-driver" >&2; exit 1; }
exec xvfb-run -a -s "-screen 0 1400x900x24" scripts/with-keyring.sh node tests/e2e/run.mjs
