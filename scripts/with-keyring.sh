#!/usr/bin/env bash
# Runs a command in a private D-Bus session with an unlocked GNOME keyring (the Secret Service the app and its
# keychain test use on Linux), in a temporary data folder, so nothing touches the developer's own keyring.
# Usage: scripts/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
command -v dbus-run-session >/dev/null || { echo "dbus-run-session missing: sudo apt-get install dbus" >&2; exit 1; }
command -v gnome-keyring-daemon >/dev/null || { echo "gnome-keyring-daemon missing: sudo apt-get install gnome-keyring" >&2; exit 1; }
exec dbus-run-session -- bash -c '
  set -e
  export XDG_DATA_HOME="$(mktemp -d)"
  trap "rm -rf \"$XDG_DATA_HOME\"" EXIT
  eval "$(echo "" | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
  export GNOME_KEYRING_CONTROL
  "$@"
' with-keyring "$@"
