#!/usr/bin/env bash
# A C compiler for macOS targets on Linux, for the macOS type check (scripts/check-macos.sh): zig's clang
# (PyPI package `ziglang`) with its bundled macOS headers. Only ring's C parts need it; nothing is linked.
#
# cc-rs calls it as it would call clang, with `--target=arm64-apple-macosx…` and `-mmacosx-version-min=…`; zig wants
# its own target name instead, so those two flags are replaced by `-target aarch64-macos` or `-target x86_64-macos`.
set -euo pipefail
target=""
args=()
for a in "$@"; do
  case "$a" in
    --target=arm64-apple-*|--target=aarch64-apple-*) target=aarch64-macos ;;
    --target=x86_64-apple-*) target=x86_64-macos ;;
    --target=*|-mmacosx-version-min=*) ;;
    *) args+=("$a") ;;
  esac
done
[ -n "$target" ] || target="${ZIG_MACOS_TARGET:-aarch64-macos}"
exec "${PYTHON:-python3}" -m ziglang cc -target "$target" "${args[@]}"
