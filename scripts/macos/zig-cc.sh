#!/usr/bin/env bash
# A C compiler for macOS targets on Linux, for the macOS type check (scripts/check-macos.sh): zig's clang
# (PyPI package `ziglang`) with its bundled macOS headers. ring's C parts need it; nothing is linked.
# Objective-C sources (mac-notification-sys, under tauri-plugin-notification) need Apple's Cocoa headers, which zig
# does not ship: for them an empty object is compiled instead. The type check never links, so nothing is lost; the
# Objective-C itself is compiled by the macOS build on GitHub (.github/workflows/ci.yml).
#
# cc-rs calls it as it would call clang, with `--target=arm64-apple-macosx…` and `-mmacosx-version-min=…`; zig wants
# its own target name instead, so those two flags are replaced by `-target aarch64-macos` or `-target x86_64-macos`.
set -euo pipefail
target=""
args=()
empty=""
for a in "$@"; do
  case "$a" in
    *.m|*.mm)
      empty="$(mktemp --suffix=.c)"
      args+=("$empty")
      ;;
    --target=arm64-apple-*|--target=aarch64-apple-*) target=aarch64-macos ;;
    --target=x86_64-apple-*) target=x86_64-macos ;;
    --target=*|-mmacosx-version-min=*) ;;
    *) args+=("$a") ;;
  esac
done
[ -n "$target" ] || target="${ZIG_MACOS_TARGET:-aarch64-macos}"
if [ -n "$empty" ]; then
  # Objective-C flags mean nothing to the C file that stands in.
  filtered=()
  for a in "${args[@]}"; do
    case "$a" in -fobjc-*|-ObjC|-fmodules) ;; *) filtered+=("$a") ;; esac
  done
  "${PYTHON:-python3}" -m ziglang cc -target "$target" "${filtered[@]}"
  status=$?
  rm -f "$empty"
  exit $status
fi
exec "${PYTHON:-python3}" -m ziglang cc -target "$target" "${args[@]}"
