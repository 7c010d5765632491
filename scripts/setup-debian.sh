#!/usr/bin/env bash
# Installs the system packages the app, its tests and its demo need on Debian/Ubuntu (skips what is there).
# Rust targets, zig and the workflow linters are installed by the scripts that use them, on first use.
set -euo pipefail
packages=(
  # Tauri's Linux build
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
  libayatana-appindicator3-dev build-essential pkg-config libssl-dev libxdo-dev file curl openssl
  # tests: a virtual display, the WebKit WebDriver, a session bus and a keyring, screenshots, fonts
  xvfb xauth webkit2gtk-driver dbus dbus-x11 gnome-keyring keyutils imagemagick fonts-dejavu-core
  # Windows: MinGW builds and links the x86_64-pc-windows-gnu programs (and our bcryptprimitives.dll stand-in);
  # Wine 8+ runs the Windows test programs (scripts/test-windows.sh)
  gcc-mingw-w64-x86-64 wine64 wine
  # private Python environments for zig (the macOS type check's C compiler) and the workflow linters (PyPI)
  python3-venv
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
