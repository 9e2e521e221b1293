#!/usr/bin/env bash
# Regenerates jupyter_tb/_proto/*_pb2.py from proto/jupyter_tb/_proto/*.proto.
# The generator is pinned: grpcio-tools 1.71.0 emits protobuf 5.29 gencode, which loads on
# protobuf runtimes 5.29 through 7.x, so users with TensorFlow's older protobuf still import us.
# Usage: bash proto/generate.sh   (creates a throwaway venv for the generator)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
venv=${PROTO_GEN_VENV:-$(mktemp -d)/gen}
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv"; "$venv/bin/pip" install -q grpcio-tools==1.71.0; }
out="$top"
"$venv/bin/python" -m grpc_tools.protoc -I "$here" --python_out="$out" "$here"/jupyter_tb/_proto/*.proto
touch "$top/jupyter_tb/_proto/__init__.py"
echo "generated: $(ls "$top"/jupyter_tb/_proto/*_pb2.py | wc -l) modules"
