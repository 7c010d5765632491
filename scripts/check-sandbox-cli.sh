#!/usr/bin/env bash
# Starts the sandbox binary the way the README does and queries it with scripts/sandbox-curl.sh; fails loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p onoffice-sandbox
out=$(mktemp)
./target/debug/onoffice-sandbox --port 0 --seed 1 --users 12 --estates 30 >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done
line=$(head -n1 "$out")
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$line" "$1"; }
answer=$(scripts/sandbox-curl.sh "$(field url)" "$(field token)" "$(field secret)")
python3 - "$answer" <<'PY'
import json, sys
a = json.loads(sys.argv[1])
assert a["status"]["code"] == 200, a
r = a["response"]["results"][0]
assert r["status"]["errorcode"] == 0, r
recs = r["data"]["records"]
assert len(recs) == 3 and all("|Systembenutzer|" in x["elements"]["ArtDaten"] for x in recs), recs
print("sandbox CLI + curl: ok,", r["data"]["meta"]["cntabsolute"], "system user addresses")
PY
