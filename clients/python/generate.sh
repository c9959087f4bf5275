#!/usr/bin/env bash
# Regenerates the Python protobuf/gRPC stubs of the dynamind protocol into
# clients/python/dynamind_env/_proto/. Run from anywhere; paths are resolved from
# the repository root. The output is committed and never edited by hand.
#
# Compiler: grpc_tools.protoc when its bundled protoc is new enough (>= 3.20, for
# proto3 `optional` and --pyi_out); otherwise the system `protoc` with the
# `grpc_python_plugin` (Debian: apt-get install protobuf-compiler protobuf-compiler-grpc).
# Debian 12's python3-grpc-tools bundles protoc 3.5.1, which is too old. Keep the
# compiler no newer than the oldest protobuf runtime the package supports (Debian 12:
# 3.21): protoc >= 26 emits a runtime-version check that older runtimes cannot import.
#
# protoc writes modules that import each other absolutely (`from dynamind.env.v1 import
# types_pb2`); fix-imports.py rewrites those into package-relative imports, so the stubs
# live inside dynamind_env's namespace and nothing is put on sys.path.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
OUT="$ROOT/clients/python/dynamind_env/_proto"
PROTOS=(dynamind/env/v1/types.proto dynamind/env/v1/env_service.proto)

# Version "libprotoc X.Y.Z" -> 1 when >= 3.20.
new_enough() {
  local v major minor
  v="$(echo "$1" | awk '{print $2}')"
  major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  (( major > 3 || (major == 3 && minor >= 20) ))
}

cmd=()
if v="$("$PY" -m grpc_tools.protoc --version 2>/dev/null)" && new_enough "$v"; then
  cmd=("$PY" -m grpc_tools.protoc)
elif command -v protoc >/dev/null && new_enough "$(protoc --version)" && command -v grpc_python_plugin >/dev/null; then
  cmd=(protoc "--plugin=protoc-gen-grpc_python=$(command -v grpc_python_plugin)")
else
  echo "generate.sh: need grpc_tools.protoc with protoc >= 3.20, or protoc >= 3.20 plus grpc_python_plugin" >&2
  echo "  (Debian: apt-get install protobuf-compiler protobuf-compiler-grpc)" >&2
  exit 1
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$ROOT"
"${cmd[@]}" -I proto \
  --python_out="$TMP" --grpc_python_out="$TMP" --pyi_out="$TMP" \
  "${PROTOS[@]}"

rm -rf "$OUT"
mkdir -p "$OUT"
"$PY" "$ROOT/clients/python/fix-imports.py" "$TMP/dynamind/env/v1" "$OUT"
echo "generated $(find "$OUT" -name '*.py*' | wc -l) files in ${OUT#"$ROOT"/} with: ${cmd[*]}"
