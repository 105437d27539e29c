#!/usr/bin/env bash
# The six binarized-MNIST models whose weights ship in data/helmholtz-mnist/ (lecture 2, section 6),
# each trained and scored by scripts/train-helmholtz-mnist.ts. Two chains side by side, one wasm
# thread each; about 100 minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
run() { VI_WASM_THREADS=1 node dist/scripts/train-helmholtz-mnist.js --test-images 1000 --eval-particles 5000 "$@"; }
sbn=(--sizes 784,200,200,200 --epochs 40)
vae=(--method vae --sizes 784,200,200,50)
(run --method rws --particles 5 "${sbn[@]}" && run --method vimco --particles 5 "${sbn[@]}" && run --method wake-sleep --particles 1 "${sbn[@]}") &
(run "${vae[@]}" --particles 1 --epochs 40 && run "${vae[@]}" --particles 5 --epochs 40 && run "${vae[@]}" --particles 50 --epochs 10 --curve-every 2) &
wait
