#!/usr/bin/env bash
# Fails when the committed TypeScript bindings differ from what the Rust types generate (run after `cargo test`,
# which writes them through ts-rs).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=ui/src/bindings
( cd "$dir" && for f in *.ts; do n=${f%.ts}; [ "$n" = index ] && continue; echo "export type { $n } from \"./$n\";"; done ) > "$dir/index.ts"
if [ -n "$(git status --porcelain -- "$dir")" ]; then
  git status --porcelain -- "$dir"
  git --no-pager diff -- "$dir" | head -50
  echo "The TypeScript bindings in $dir are stale: run 'cargo test --workspace' and commit $dir." >&2
  exit 1
fi
echo "TypeScript bindings are up to date."
