#!/usr/bin/env bash
# Builds the speed engine's OpenBLAS products (native/openblas.c) into
# build/native/openblas.node with Node's own headers; skipped when the source, Node and the
# compiler are unchanged. Needs gcc and Debian's libopenblas-dev (scripts/setup.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
# gcc prints the library's full path when it finds it, the bare name when not
if ! command -v gcc >/dev/null || [ "$(gcc -print-file-name=libopenblas.so)" = libopenblas.so ]; then
  echo "[native] gcc or OpenBLAS (libopenblas.so) is missing: apt-get install gcc libc6-dev libopenblas-dev" >&2
  exit 1
fi
src=native/openblas.c
out=build/native/openblas.node
headers=$(node -p "require('path').resolve(process.execPath, '..', '..', 'include', 'node')")
stamp="$(sha1sum "$src" | cut -d' ' -f1) $(node --version) $(gcc -dumpfullversion)"
if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "[native] $out up to date"
  exit 0
fi
if [ ! -f "$headers/node_api.h" ]; then
  echo "[native] Node's headers are not at $headers (node_api.h): install Node with its headers" >&2
  exit 1
fi
mkdir -p build/native
gcc -O3 -std=c11 -Wall -Wextra -Werror -shared -fPIC -I"$headers" "$src" -o "$out.tmp" -lopenblas
mv "$out.tmp" "$out"
echo "$stamp" > "$out.stamp"
echo "[native] built $out"
