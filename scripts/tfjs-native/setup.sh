#!/usr/bin/env bash
# The agent's native CPU backend: @tensorflow/tfjs-node, its binding built here against the
# TensorFlow C library that the tensorflow-cpu Python wheel carries.
#
# Why not a plain `npm install @tensorflow/tfjs-node`: its install script downloads libtensorflow
# and a prebuilt binding from storage.googleapis.com, which many machines (this project's VMs among
# them) cannot reach, so the optional dependency silently fails and the agent runs on wasm. The
# wheel comes from pip's index instead (PyPI or the machine's mirror), and since TensorFlow 2.x it
# exports the same C and eager C APIs the binding calls (libtensorflow_cc.so.2 + framework).
#
# What it does: downloads the wheel once into a cache folder (lib/ and include/ only, ~0.9 GB),
# installs the npm package without its scripts (no lockfile change), points the package's deps/ at
# the cache and compiles the binding with node-gyp (~15 s). Needs python3 with pip, g++ and make.
# Afterwards `DYNAMIND_BACKEND=node` (or the default "auto") trains on TensorFlow's kernels.
#
# Env: TF_VERSION (default 2.21.0), DYNAMIND_TF_DIR (cache folder), PYTHON (default python3).
set -euo pipefail
cd "$(dirname "$0")/../.."

TF_VERSION="${TF_VERSION:-2.21.0}"
PY="${PYTHON:-python3}"
CACHE="${DYNAMIND_TF_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dynamind/libtensorflow-$TF_VERSION}"
TFJS_VERSION="$(node -p 'require("./node_modules/@tensorflow/tfjs/package.json").version')"
PKG=node_modules/@tensorflow/tfjs-node

if [ ! -f "$CACHE/lib/libtensorflow_cc.so.2" ] || [ ! -f "$CACHE/include/tensorflow/c/c_api.h" ]; then
  echo "tensorflow-cpu $TF_VERSION: downloading the wheel into $CACHE"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  "$PY" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: --dest "$tmp" "tensorflow-cpu==$TF_VERSION"
  wheel="$(ls "$tmp"/tensorflow_cpu-*.whl)"
  # Only the two folders this script fills: DYNAMIND_TF_DIR may name a folder that holds other things.
  rm -rf "$CACHE/lib" "$CACHE/include" && mkdir -p "$CACHE/lib" "$CACHE/include"
  # Only the two shared libraries and the headers; the Python half of the wheel is not needed.
  "$PY" - "$wheel" "$CACHE" <<'PYEOF'
import os, shutil, sys, zipfile
wheel, cache = sys.argv[1], sys.argv[2]
libs = {"tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"}
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name in libs:
            dest = os.path.join(cache, "lib", os.path.basename(name))
        elif name.startswith("tensorflow/include/") and not name.endswith("/"):
            dest = os.path.join(cache, "include", name[len("tensorflow/include/"):])
        else:
            continue
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(name) as src, open(dest, "wb") as out:
            shutil.copyfileobj(src, out)
missing = [l for l in libs if not os.path.exists(os.path.join(cache, "lib", os.path.basename(l)))]
if missing:
    sys.exit(f"the wheel lacks {missing}")
PYEOF
  # The names the binding links against (binding.gyp: -ltensorflow -ltensorflow_framework).
  ln -sf libtensorflow_cc.so.2 "$CACHE/lib/libtensorflow.so"
  ln -sf libtensorflow_framework.so.2 "$CACHE/lib/libtensorflow_framework.so"
fi

echo "@tensorflow/tfjs-node $TFJS_VERSION: installing without its download script"
npm install --no-save --ignore-scripts --no-audit --no-fund "@tensorflow/tfjs-node@$TFJS_VERSION" >/dev/null
# The GPU package comes along as the other optional dependency, without a binding; left in place it
# would be tried first and fail on every start.
if [ ! -f node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v8/tfjs_binding.node ]; then rm -rf node_modules/@tensorflow/tfjs-node-gpu; fi

rm -rf "$PKG/deps" "$PKG/build" "$PKG/lib/napi-v8"
mkdir -p "$PKG/deps"
ln -s "$CACHE/lib" "$PKG/deps/lib"
ln -s "$CACHE/include" "$PKG/deps/include"
echo "building the binding (node-gyp)"
log="$(mktemp)"
(cd "$PKG" && npx --yes node-gyp@12.4.0 rebuild --napi_build_version=8 --module_name=tfjs_binding \
  --module_path="$PWD/lib/napi-v8" -j 2 >"$log" 2>&1) || { tail -30 "$log"; exit 1; }
rm -f "$log"

node --input-type=module -e '
import * as tf from "@tensorflow/tfjs";
await import("@tensorflow/tfjs-node");
if (!(await tf.setBackend("tensorflow"))) throw new Error("the tensorflow backend did not start");
const x = tf.tensor2d([[1, 2], [3, 4]]);
const y = await tf.matMul(x, x).data();
if (y.join() !== "7,10,15,22") throw new Error(`wrong product ${y}`);
const { version } = JSON.parse(await import("node:fs").then((fs) => fs.readFileSync("'"$PKG"'/package.json", "utf8")));
console.log(`ok: @tensorflow/tfjs-node ${version} on TensorFlow ${tf.backend().binding.TF_Version}`);
'
