#!/usr/bin/env bash
# Conformance suite: real, unmodified clients (pywa, the Kapso SDK for Python and Node) and Meta's
# own OpenAPI examples against a running risala. Called by .ci/run; runnable alone:
#   bash tests/conformance/run.sh
# Writes tests/conformance/coverage.md and the table of the book's Compatibility chapter
# (docs/src/compatibility.md).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

SPEC="${RISALA_SPEC:-$ROOT/../shared/specs/business-messaging-api_v23.0.yaml}"
TOKEN="conformance-demo-token-0123456789"
START=$(date +%s)

echo "== conformance: build risala (dev profile)"
cargo build -q -p risala
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/risala"

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

echo "== conformance: clients (pinned)"
if [ ! -x "$HERE/.venv/bin/python" ]; then
  python3 -m venv "$HERE/.venv"
fi
timeout 300 "$HERE/.venv/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt"
(cd "$HERE/node" && timeout 180 npm ci --silent --no-audit --no-fund >/dev/null)

PORT="$("$HERE/.venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
echo "== conformance: start risala on 127.0.0.1:$PORT (data in $WORK/data)"
# The server's defaults: one change per webhook POST (pywa 4.5.0 reads only the first change of a
# POST; docs/src/webhooks.md).
RISALA_LOG_LEVEL=warn "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" \
  --demo-token "$TOKEN" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 0.2
done
"$BIN" admin demo --json --data-dir "$WORK/data" >"$WORK/demo.json"

export PYTHONDONTWRITEBYTECODE=1
export RISALA_URL="http://127.0.0.1:$PORT" RISALA_TOKEN="$TOKEN" RISALA_DEMO="$WORK/demo.json"
export RISALA_SPEC="$SPEC" CONFORMANCE_WORK="$WORK" CONFORMANCE_RESULTS="$WORK/results.jsonl"
: >"$CONFORMANCE_RESULTS"

rc=0
echo "== conformance: pywa + Meta's examples + Kapso (Python)"
timeout 300 "$HERE/.venv/bin/python" "$HERE/driver.py" || rc=1
echo "== conformance: Kapso SDK (Node)"
timeout 120 node "$HERE/node/kapso.mjs" || rc=1
echo "== conformance: report"
"$HERE/.venv/bin/python" "$HERE/report.py" "$CONFORMANCE_RESULTS" || rc=1

if [ "$rc" -ne 0 ]; then
  echo "== conformance: server log (tail)"; tail -n 40 "$WORK/server.log" || true
fi
echo "== conformance: finished in $(( $(date +%s) - START ))s, rc=$rc"
exit "$rc"
