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

# Many agencies on one address: the first line adds the accounts file and each agency's variables; the second
# agency's token reads its own account, and /_sandbox/planted names every agency.
kill $pid 2>/dev/null || true
fleet_out=$(mktemp) fleet_file=$(mktemp)
./target/debug/onoffice-sandbox --port 0 --accounts 3 --accounts-file "$fleet_file" >"$fleet_out" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$out" "$fleet_out" "$fleet_file"' EXIT
for _ in $(seq 100); do [ -s "$fleet_out" ] && break; sleep 0.1; done
line=$(head -n1 "$fleet_out")
python3 - "$line" "$fleet_file" >"$fleet_out.env" <<'PY'
import json, sys
line = json.loads(sys.argv[1])
accounts = json.load(open(sys.argv[2]))["accounts"]
assert line["accounts_file"] == sys.argv[2], line["accounts_file"]
assert len(accounts) == 3 and all(a["api_url"] == line["url"] for a in accounts), accounts
env = line["env"]
assert len(env) == 6, sorted(env)
def slug(name):
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("ß", "ss")):
        name = name.replace(a, b)
    out = ""
    for c in name:
        if c.isascii() and c.isalnum():
            out += c.upper()
        elif out and not out.endswith("_"):
            out += "_"
    return out.rstrip("_")
second = slug(accounts[1]["name"])
token, secret_key = env["ONOFFICE_TOKEN_" + second], "ONOFFICE_SECRET_" + second
assert token != line["token"], "the second agency has a token of its own"
print(line["url"], token, env[secret_key])
PY
read -r furl ftoken fsecret <"$fleet_out.env"
rm -f "$fleet_out.env"
answer=$(scripts/sandbox-curl.sh "$furl" "$ftoken" "$fsecret")
planted=$(curl -s "${furl%/api/stable/api.php}/_sandbox/planted")
python3 - "$answer" "$planted" <<'PY'
import json, sys
a, planted = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert a["response"]["results"][0]["status"]["errorcode"] == 0, a
names = [p["name"] for p in planted["accounts"]]
assert len(names) == 3 and all(p["planted"] for p in planted["accounts"]), names
print("sandbox fleet CLI + curl: ok,", ", ".join(names))
PY
