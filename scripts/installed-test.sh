#!/usr/bin/env bash
# The installer as a user gets it: builds the .deb (scripts/package.sh), installs it with dpkg, starts the installed
# app under Xvfb on the demo account and checks its first screen (tests/installed/run.mjs), then removes the package
# again. Prints installer size, installed size, time to the first screen and memory after the demo audit.
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(scripts/package.sh)
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" dpkg -i "$deb"
trap '"${sudo_cmd[@]}" dpkg -r agent-check >/dev/null || true' EXIT
installed_kib=$(dpkg-query -W -f='${Installed-Size}' agent-check)
deb_bytes=$(stat -c %s "$deb")
echo "installer $(basename "$deb"): $((deb_bytes / 1024)) KiB; installed size ${installed_kib} KiB"
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
xvfb-run -a -s "-screen 0 1366x768x24" scripts/with-keyring.sh node tests/installed/run.mjs
mkdir -p tests/artifacts
printf '{"installer_kib": %s, "installed_kib": %s}\n' "$((deb_bytes / 1024))" "$installed_kib" > tests/artifacts/installer-size.json
