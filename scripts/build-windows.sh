#!/usr/bin/env bash
# The Windows release programs, built here with MinGW: agent-check.exe (the app; linking is where missing import
# libraries and resource files show up) and oo-check.exe, which then runs under Wine on the demo account as support
# would run it: the German checklist, then every fix applied and journaled. Prints both sizes and writes them to
# tests/artifacts/windows-size.json. The app itself cannot run under Wine (no WebView2).
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
rustup target list --installed | grep -qx "$target" || rustup target add "$target"
[ -f ui/dist/index.html ] || (cd ui && npm run --silent build)
cargo build --release --locked --target "$target" -p agent-check -p oo-check
out="${CARGO_TARGET_DIR:-target}/$target/release"
for exe in agent-check.exe oo-check.exe; do
  [ -f "$out/$exe" ] || { echo "$exe was not built" >&2; exit 1; }
done

# What a linked Windows app must carry: the resources tauri-build compiles (icon, version, manifest) and the GUI
# subsystem (no console window behind the app).
headers="$(x86_64-w64-mingw32-objdump -h -p "$out/agent-check.exe")"
grep -q '\.rsrc' <<<"$headers" || { echo "agent-check.exe has no resource section (icon, manifest)" >&2; exit 1; }
grep -q 'Subsystem.*Windows GUI' <<<"$headers" || { echo "agent-check.exe is not a Windows GUI program" >&2; exit 1; }

runner="$PWD/scripts/windows/wine-runner.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && "$runner" "$OLDPWD/$out/oo-check.exe" audit --demo) >"$work/audit.txt"
grep -q "Systembenutzer:" "$work/audit.txt" && grep -q "Kontaktart „Makler“ fehlt" "$work/audit.txt" || {
  echo "oo-check.exe audit --demo did not print the German checklist:" >&2; cat "$work/audit.txt" >&2; exit 1
}
(cd "$work" && "$runner" "$OLDPWD/$out/oo-check.exe" fix --demo --yes) >"$work/fix.txt"
grep -q "erledigt" "$work/fix.txt" && grep -q '"event":"applied"' "$work/oo-check-demo-journal.jsonl" || {
  echo "oo-check.exe fix --demo --yes did not apply and journal its fixes:" >&2; cat "$work/fix.txt" >&2; exit 1
}
applied=$(grep -c '"event":"applied"' "$work/oo-check-demo-journal.jsonl")
kib() { echo $(( $(stat -c %s "$1") / 1024 )); }
# MinGW keeps the symbol table in the program (MSVC builds, as the release workflow makes, put it into a .pdb):
# the stripped size is what an installer would carry.
x86_64-w64-mingw32-strip -o "$work/agent-check.exe" "$out/agent-check.exe"
app_kib=$(kib "$out/agent-check.exe") app_stripped_kib=$(kib "$work/agent-check.exe") cli_kib=$(kib "$out/oo-check.exe")
echo "Windows: agent-check.exe ${app_kib} KiB (${app_stripped_kib} KiB stripped; GUI program with its resources)," \
  "oo-check.exe ${cli_kib} KiB; oo-check.exe under Wine: checklist printed, ${applied} fixes applied and journaled"
mkdir -p tests/artifacts
printf '{"agent_check_exe_kib": %s, "agent_check_exe_stripped_kib": %s, "oo_check_exe_kib": %s, "demo_fixes_journaled": %s}\n' \
  "$app_kib" "$app_stripped_kib" "$cli_kib" "$applied" > tests/artifacts/windows-size.json
