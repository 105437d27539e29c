#!/usr/bin/env bash
# Sets up everything the lectures and tests need; safe to run again (each step is skipped when done).
#  1. npm dependencies (npm ci, from the lock file, when package-lock.json changed)
#  2. Jupyter from Debian (nbclient, nbconvert, ipykernel), Fashion-MNIST, Chromium, bzip2 and xz, when missing
#  3. the tslab kernel spec in .jupyter/ (JUPYTER_PATH=$PWD/.jupyter/share/jupyter), and tslab's
#     kernel messages sent one at a time (scripts/patch-tslab.js)
#  4. the engine's OpenBLAS products (scripts/build-native.sh: gcc and libopenblas-dev from Debian)
#  5. the compiled library in dist/
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[setup] %s\n' "$*"; }

# 1. npm dependencies
lock_sum=$(sha1sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.vi-lock-sum ] || [ "$(cat node_modules/.vi-lock-sum)" != "$lock_sum" ]; then
  say "installing npm dependencies (npm ci: exactly the versions in package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  sha1sum package-lock.json | cut -d' ' -f1 > node_modules/.vi-lock-sum
else
  say "npm dependencies up to date"
fi

# 2. Debian packages: Jupyter runs on /usr/bin/python3 (PyPI is not used)
PY=/usr/bin/python3
need=()
$PY -c 'import nbclient, nbformat, ipykernel, nbconvert' 2>/dev/null || need+=(jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel jupyter-notebook)
[ -d /usr/share/datasets/fashion-mnist ] || need+=(dataset-fashion-mnist)
command -v bzip2 >/dev/null || need+=(bzip2)
[ -x /usr/bin/chromium ] || need+=(chromium)   # the browser test of the book (scripts/check-book.ts)
command -v xz >/dev/null || need+=(xz-utils)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
dpkg -s libopenblas-dev >/dev/null 2>&1 || need+=(libopenblas-dev)   # the engine's products (step 4)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    say "missing Debian packages: ${need[*]}; install them with: sudo apt-get install -y --no-install-recommends ${need[*]}"
    exit 1
  fi
  say "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  say "Debian packages present (Jupyter, Fashion-MNIST, Chromium, gcc, OpenBLAS)"
fi

# 3. tslab kernel spec, local to the project
KDIR=$PWD/.jupyter
if [ ! -f "$KDIR/share/jupyter/kernels/tslab/kernel.json" ] || ! grep -q "$PWD/scripts/tslab-kernel.sh" "$KDIR/share/jupyter/kernels/tslab/kernel.json"; then
  say "registering the tslab kernel in $KDIR"
  node_modules/.bin/tslab install --python=$PY --binary="$PWD/scripts/tslab-kernel.sh" --prefix="$KDIR" >/dev/null
else
  say "tslab kernel registered"
fi
node scripts/patch-tslab.js

# 4. the engine's matrix products on OpenBLAS (lib/engine/native-blas.ts)
bash scripts/build-native.sh

# 5. compiled library (tsc from typescript@5, not tslab's bundled one)
say "compiling lib/ to dist/"
node node_modules/typescript/bin/tsc -p tsconfig.json
say "done"
