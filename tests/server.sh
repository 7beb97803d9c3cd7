# Shared by the suites that drive a running risala (tests/conformance/run.sh, tests/fuzz/run.sh);
# sourced, not run. Each suite sets HERE (its folder) and ROOT (the repository) first.
#
#   risala_build                     build the binary (dev profile); sets BIN
#   suite_venv REQUIREMENTS          create HERE/.venv once and install the pinned requirements
#   risala_start LOG [ENV=VALUE...] -- [serve flags...]
#                                    start `risala serve` on a free port of 127.0.0.1 with the
#                                    environment given, wait until /readyz answers; sets PORT and
#                                    SERVER_PID. WORK (a temporary directory) is created here and
#                                    removed, with the server stopped, when the suite exits.

risala_build() {
  cargo build -q -p risala
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/risala"
}

WORK="$(mktemp -d)"
SERVER_PID=""
risala_cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap risala_cleanup EXIT INT TERM

suite_venv() {
  if [ ! -x "$HERE/.venv/bin/python" ]; then
    python3 -m venv "$HERE/.venv"
  fi
  timeout 300 "$HERE/.venv/bin/pip" install -q --disable-pip-version-check -r "$1"
}

risala_start() {
  local log="$1"; shift
  local envs=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  env "${envs[@]}" "$BIN" serve --listen "127.0.0.1:$PORT" "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.2
  done
  echo "risala did not become ready on port $PORT"; cat "$log"; exit 1
}
