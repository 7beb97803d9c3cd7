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

# shellcheck source=../server.sh
. "$ROOT/tests/server.sh"

echo "== conformance: build risala (dev profile)"
risala_build

echo "== conformance: clients (pinned)"
suite_venv "$HERE/requirements.txt"
(cd "$HERE/node" && timeout 180 npm ci --silent --no-audit --no-fund >/dev/null)

echo "== conformance: start risala (data in $WORK/data)"
# The server's defaults: one change per webhook POST (pywa 4.5.0 reads only the first change of a
# POST; docs/src/webhooks.md).
risala_start "$WORK/server.log" RISALA_LOG_LEVEL=warn -- \
  --data-dir "$WORK/data" --demo-token "$TOKEN"
echo "== conformance: risala on 127.0.0.1:$PORT"
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
