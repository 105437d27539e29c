#!/usr/bin/env bash
# The benchmarks' references run on Debian's python3-torch and python3-scipy (PyPI is not reachable here).
set -euo pipefail
if ! /usr/bin/python3 -c 'import torch, numpy, scipy, threadpoolctl' 2>/dev/null; then
  if [ "$(id -u)" != 0 ]; then echo "[bench] install the reference with: sudo apt-get install -y python3-torch python3-numpy python3-scipy python3-threadpoolctl"; exit 1; fi
  echo "[bench] installing python3-torch from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch python3-numpy python3-scipy python3-threadpoolctl >/dev/null
fi
