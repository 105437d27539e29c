#!/usr/bin/env bash
# For readers: makes this project's lectures open in your own Jupyter.
#  1. npm dependencies when missing (npm install also patches tslab: scripts/patch-tslab.js)
#  2. the library compiled to dist/ (the notebooks import '../dist/lib'), and the engine's OpenBLAS
#     products built where gcc and libopenblas-dev are installed (scripts/build-native.sh)
#  3. the TypeScript (tslab) kernel registered with your Jupyter, its command an absolute path to
#     this project's scripts/tslab-kernel.sh (tslab under node), so a shell whose PATH lacks
#     node_modules/.bin can start it
#  4. JupyterLab (or classic Notebook) started on notebooks/, unless --no-start is given
# Usage: npm run jupyter [-- --no-start] [-- --prefix DIR]   (--prefix: kernel spec under DIR/share/jupyter)
# The Python of your Jupyter: python3 on PATH, or VI_PYTHON=/path/to/python.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[jupyter] %s\n' "$*"; }
start=true
install_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-start) start=false ;;
    --prefix) install_args+=(--prefix "$2"); shift ;;
    *) say "unknown argument $1; known: --no-start, --prefix DIR"; exit 2 ;;
  esac
  shift
done
PY=${VI_PYTHON:-$(command -v python3 || true)}
if [ -z "$PY" ] || ! "$PY" -c 'import jupyter_client' 2>/dev/null; then
  say "no Jupyter found for ${PY:-python3}: install it (pip install jupyterlab) or set VI_PYTHON to the python that has it"
  exit 1
fi
[ -x node_modules/.bin/tslab ] || npm install --no-audit --no-fund
node scripts/patch-tslab.js
say "compiling lib/ to dist/"
node node_modules/typescript/bin/tsc -p tsconfig.json
# the engine's products on OpenBLAS where gcc and libopenblas-dev are installed; otherwise they run in WebAssembly
bash scripts/build-native.sh || say "products stay in WebAssembly (slower): install gcc and libopenblas-dev, then run npm run jupyter again"

node_modules/.bin/tslab install --python="$PY" --binary="$PWD/scripts/tslab-kernel.sh" "${install_args[@]}"
say "registered the TypeScript kernel: $PWD/scripts/tslab-kernel.sh (tslab under node with a larger young generation)"
$start || exit 0
if "$PY" -m jupyterlab --version >/dev/null 2>&1; then exec "$PY" -m jupyterlab notebooks/
elif "$PY" -m notebook --version >/dev/null 2>&1; then exec "$PY" -m notebook notebooks/
else say "the kernel is registered; start your Jupyter on notebooks/ (for example: jupyter lab notebooks/)"
fi
