#!/usr/bin/env bash
# Runs one Windows program (x86_64-pc-windows-gnu) under Wine: cargo's runner for that target, so that
# `cargo test --target x86_64-pc-windows-gnu` runs every test binary as a Windows program (scripts/test-windows.sh).
#
# Uses a private Wine prefix under the build folder (target/wine/prefix), made on first use, with our stand-in for
# bcryptprimitives.dll (ProcessPrng, which Rust's standard library needs and Wine 8 lacks; see bcryptprimitives.c).
# No display is needed: test programs are console programs. Exits with the program's own status.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state="${CARGO_TARGET_DIR:-$root/target}/wine"

# The 64-bit Wine loader: $WINE if set, else what Debian installs (wine64 lives in Wine's library folder, not on PATH),
# else what other distributions and WineHQ's packages put on PATH.
wine="${WINE:-}"
if [ -z "$wine" ]; then
  for candidate in wine64 /usr/lib/wine/wine64 /usr/lib/x86_64-linux-gnu/wine/wine64 wine; do
    if command -v "$candidate" >/dev/null 2>&1; then wine="$(command -v "$candidate")"; break; fi
  done
fi
if [ -z "$wine" ]; then
  echo "wine-runner: Wine is not installed. Install it with: sudo apt-get install wine64 wine (Wine 8 or newer)" >&2
  exit 127
fi
version="$("$wine" --version 2>/dev/null || true)"   # "wine-8.0 (Debian 8.0~repack-4)"
major="$(printf '%s' "$version" | sed -n 's/^wine-\([0-9][0-9]*\).*/\1/p')"
if [ -z "$major" ] || [ "$major" -lt 8 ]; then
  echo "wine-runner: Wine 8 or newer is needed, found '${version:-nothing}' at $wine. Install it with: sudo apt-get install wine64 wine" >&2
  exit 127
fi

export WINEPREFIX="$state/prefix" WINEDEBUG=-all WINEARCH=win64
# No Mono or Gecko installer prompts when the prefix is made; test programs need neither.
export WINEDLLOVERRIDES="mscoree,mshtml="
mkdir -p "$state"
dll="$state/bcryptprimitives.dll"
(
  # One prefix set-up at a time (cargo may start several runners).
  flock 9
  if [ ! -f "$dll" ] || [ "$here/bcryptprimitives.c" -nt "$dll" ]; then
    command -v x86_64-w64-mingw32-gcc >/dev/null || {
      echo "wine-runner: MinGW is not installed. Install it with: sudo apt-get install gcc-mingw-w64-x86-64" >&2
      exit 127
    }
    x86_64-w64-mingw32-gcc -shared -O2 -o "$dll.tmp" "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" -ladvapi32
    mv "$dll.tmp" "$dll"
  fi
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    echo "wine-runner: making the Wine prefix $WINEPREFIX (once)" >&2
    "$wine" wineboot --init >/dev/null 2>&1 || true
    # The registry files are written when the prefix's wineserver ends.
    server=""
    for candidate in "$(dirname "$wine")/wineserver64" "$(dirname "$wine")/wineserver" wineserver64 wineserver; do
      if command -v "$candidate" >/dev/null 2>&1; then server="$(command -v "$candidate")"; break; fi
    done
    [ -n "$server" ] && "$server" -w
    [ -f "$WINEPREFIX/system.reg" ] || { echo "wine-runner: could not make the Wine prefix $WINEPREFIX" >&2; exit 1; }
  fi
  system32="$WINEPREFIX/drive_c/windows/system32"
  cmp -s "$dll" "$system32/bcryptprimitives.dll" || cp "$dll" "$system32/bcryptprimitives.dll"
) 9>"$state/.lock"

# Cargo names the folders of a test's DLLs (WebView2Loader.dll beside the app's build output) in the host's library
# path; Windows looks for DLLs in PATH, which Wine takes from WINEPATH (Windows paths: / is drive Z:).
winepath="${WINEPATH:-}"
IFS=: read -r -a library_dirs <<<"${LD_LIBRARY_PATH:-}"
for d in "${library_dirs[@]}"; do
  case "$d" in
    */x86_64-pc-windows-gnu/*) winepath="${winepath:+$winepath;}Z:${d//\//\\}" ;;
  esac
done
export WINEPATH="$winepath"

exec "$wine" "$@"
