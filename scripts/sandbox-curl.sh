#!/usr/bin/env bash
# Queries a running sandbox with curl exactly as the README shows: one signed `read address` action.
# Usage: scripts/sandbox-curl.sh URL TOKEN SECRET
set -euo pipefail
URL=$1 TOKEN=$2 SECRET=$3
ACTION=urn:onoffice-de-ns:smart:2.5:smartml:action:read
TYPE=address
TS=$(date +%s)
# HMAC v2: Base64(HMAC-SHA256(secret, timestamp + token + resourcetype + actionid))
HMAC=$(printf '%s' "$TS$TOKEN$TYPE$ACTION" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64)
curl -sS -X POST "$URL" -H 'Content-Type: application/json' -d @- <<JSON
{"token":"$TOKEN","request":{"actions":[{"actionid":"$ACTION","identifier":"","resourceid":"","resourcetype":"$TYPE",
 "parameters":{"data":["Vorname","Name","ArtDaten","Email"],"filter":{"ArtDaten":[{"op":"in","val":["Systembenutzer"]}]},"listlimit":3},
 "timestamp":$TS,"hmac_version":"2","hmac":"$HMAC"}]}}
JSON
echo
