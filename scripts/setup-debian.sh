#!/usr/bin/env bash
# Installs the system packages the app, its tests and its demo need on Debian/Ubuntu (skips what is there).
set -euo pipefail
packages=(
  # Tauri's Linux build
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
  libayatana-appindicator3-dev build-essential pkg-config libssl-dev libxdo-dev file curl openssl
  # tests: a virtual display, the WebKit WebDriver, a session bus and a keyring, screenshots, fonts
  xvfb xauth webkit2gtk-driver dbus dbus-x11 gnome-keyring keyutils imagemagick fonts-dejavu-core
  # the Windows type check (cargo check --target x86_64-pc-windows-gnu) links build scripts' C parts with MinGW
  gcc-mingw-w64-x86-64
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
