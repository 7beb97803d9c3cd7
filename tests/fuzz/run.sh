#!/usr/bin/env bash
# Schema-driven API fuzzing: schemathesis generates requests from the server's own OpenAPI 3.1
# document (/openapi.json) — valid and invalid bodies, queries and paths — and sends them to a
# running `risala serve` in sandbox mode with the demo token. It fails on any 5xx answer
# (check not_a_server_error). Bounded in time, with a fixed seed so a run can be repeated.
# Called by .ci/run after the conformance suite; runnable alone:
#   bash tests/fuzz/run.sh                  # FUZZ_MAX_TIME=150 FUZZ_SEED=20261203 by default
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

TOKEN="fuzz-demo-token-0123456789abcdefghij"
ADMIN_TOKEN="fuzz-admin-token-0123456789abcdefghij"
SEED="${FUZZ_SEED:-20261203}"
MAX_TIME="${FUZZ_MAX_TIME:-150}"
START=$(date +%s)

# shellcheck source=../server.sh
. "$ROOT/tests/server.sh"

echo "== fuzz: build risala (dev profile)"
risala_build

echo "== fuzz: schemathesis (pinned)"
suite_venv "$HERE/requirements.txt"

echo "== fuzz: start risala (sandbox mode, data in $WORK/data)"
# Throughput and pair-rate limits off: the fuzzer sends bursts, and 429s would hide the
# handlers behind them.
risala_start "$WORK/server.log" RISALA_MODE=sandbox RISALA_LOG_LEVEL=warn RISALA_THROUGHPUT_MPS=0 \
  RISALA_PAIR_RATE_LIMIT=false RISALA_ADMIN_TOKEN="$ADMIN_TOKEN" -- --data-dir "$WORK/data" --demo-token "$TOKEN"
echo "== fuzz: risala on 127.0.0.1:$PORT"

# Each surface's own credential, by the document's security schemes, so that requests get past
# authentication into the handlers: the demo business token (Graph), the operator token
# (admin) and a customer session (customer API).
CUSTOMER_TOKEN="$(curl -fs "http://127.0.0.1:$PORT/customer/v1/session" -H 'content-type: application/json' \
  -d '{"phone": "+15550001111", "name": "Fuzz"}' | "$HERE/.venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
cat >"$WORK/schemathesis.toml" <<TOML
[auth.openapi.graphToken]
bearer = "$TOKEN"
[auth.openapi.adminToken]
bearer = "$ADMIN_TOKEN"
[auth.openapi.customerSession]
bearer = "$CUSTOMER_TOKEN"
TOML

# The document as served, less `unevaluatedProperties` (used to close allOf compositions such as
# CustomerSendRequest), which schemathesis 4.32 cannot generate from ("Schema Error"). Dropping
# it only widens what is generated (more unknown keys): every operation stays in the run.
"$HERE/.venv/bin/python" - "http://127.0.0.1:$PORT/openapi.json" "$WORK/openapi.json" <<'PY'
import json, sys, urllib.request
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k != "unevaluatedProperties"}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
with urllib.request.urlopen(sys.argv[1]) as r:
    doc = json.load(r)
json.dump(strip(doc), open(sys.argv[2], "w"))
PY

echo "== fuzz: schemathesis for at most ${MAX_TIME}s, seed $SEED"
rc=0
# --max-time bounds the whole run; `timeout` is the backstop should a request hang. One worker:
# with two threads, CPython 3.11's `ast` (which hypothesis calls to describe its strategies)
# sometimes fails with "SystemError: AST constructor recursion depth mismatch", a runtime error
# of the fuzzer, not of the server, that fails the run.
# Run from the temporary directory: schemathesis keeps its example database in the working
# directory, and a run must not depend on an earlier one.
cd "$WORK"
timeout $((MAX_TIME + 60)) "$HERE/.venv/bin/schemathesis" --no-color --config-file "$WORK/schemathesis.toml" run "$WORK/openapi.json" \
  --url "http://127.0.0.1:$PORT" \
  --checks not_a_server_error \
  --seed "$SEED" \
  --max-time "$MAX_TIME" \
  --workers 1 \
  --request-timeout 10 \
  --suppress-health-check all \
  --warnings off \
  --report junit --report-dir "$WORK/report" || rc=$?

if [ "$rc" -ne 0 ]; then
  echo "== fuzz: server log (tail)"; tail -n 60 "$WORK/server.log" || true
fi
echo "== fuzz: finished in $(( $(date +%s) - START ))s, rc=$rc"
exit "$rc"
