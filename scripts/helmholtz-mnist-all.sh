#!/usr/bin/env bash
# The binarized-MNIST models whose weights ship in data/helmholtz-mnist/ (lecture 2, section 6), each
# trained and scored by scripts/train-helmholtz-mnist.ts. Two chains side by side, one wasm thread
# each: six models for 40 epochs (the IWAE with k = 50 for 10), about 100 minutes on two cores, all
# six scored again on all 10,000 test images, about 90 minutes more; then
# the VAE and the IWAE with k = 5 trained on through stages 4, 5 and 6 of Burda et al.'s schedule
# (lib/helmholtz/mnist-runs.ts, burdaStage), each stage scored on all 10,000 test images: stages 4
# and 5 about 100 minutes more on our WebAssembly products; stage 6, on OpenBLAS's, about 110 minutes more (the IWAE; the VAE about 45);
# each third of stage 7 about 100 minutes more (the IWAE; the VAE about 45-70). Last, RWS and VIMCO
# trained on at the same learning rate, side by side, for 120 epochs (160 in all) and then 80 more
# (240), each run scored on all 10,000 test images: about an hour and then 40 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
run() { VI_WASM_THREADS=1 node dist/scripts/train-helmholtz-mnist.js --eval-particles 5000 "$@"; }
sbn=(--sizes 784,200,200,200 --epochs 40 --test-images 1000)
vae=(--method vae --sizes 784,200,200,50 --test-images 1000)
# stage 4: 81 epochs at 1e-3 10^(-4/7), to 121 epochs; stage 5: 243 epochs at 1e-3 10^(-5/7), to 364;
# stage 6: 729 epochs at 1e-3 10^(-6/7), to 1,093; stage 7: 2,187 epochs at 1e-3 10^(-7/7) = 1e-4, in
# runs of 729 (Adam starts afresh at each), the first to 1,822 epochs, the second to 2,551, the third to 3,280
longer() {
  local first="data/helmholtz-mnist/$1-784-200-200-50-seed1"
  run --continue "$first" --epochs 81 --learning-rate 2.683e-4 --test-images 10000
  run --continue "$first-121-epochs" --epochs 243 --learning-rate 1.931e-4 --test-images 10000
  run --continue "$first-364-epochs" --epochs 729 --learning-rate 1.389e-4 --test-images 10000
  run --continue "$first-1093-epochs" --epochs 729 --learning-rate 1e-4 --test-images 10000
  run --continue "$first-1822-epochs" --epochs 729 --learning-rate 1e-4 --test-images 10000
  run --continue "$first-2551-epochs" --epochs 729 --learning-rate 1e-4 --test-images 10000
}
# the 40-epoch runs scored again on all 10,000 test images (the first 1,000 keep their scores)
score() { VI_WASM_THREADS=1 node dist/scripts/score-helmholtz-mnist.js --test-images 10000 --run "data/helmholtz-mnist/$1"; }
(run --method rws --particles 5 "${sbn[@]}" && run --method vimco --particles 5 "${sbn[@]}" && run --method wake-sleep --particles 1 "${sbn[@]}" \
  && for m in rws-k5 vimco-k5 wake-sleep-k1; do score "$m-784-200-200-200-seed1"; done) &
(run "${vae[@]}" --particles 1 --epochs 40 && run "${vae[@]}" --particles 5 --epochs 40 && run "${vae[@]}" --particles 50 --epochs 10 --curve-every 2 \
  && for k in 1 5 50; do score "vae-k$k-784-200-200-50-seed1"; done) &
wait
longer vae-k1 &
longer vae-k5 &
wait
for m in rws-k5 vimco-k5; do run --continue "data/helmholtz-mnist/$m-784-200-200-200-seed1" --epochs 120 --test-images 10000 & done
wait
for m in rws-k5 vimco-k5; do run --continue "data/helmholtz-mnist/$m-784-200-200-200-seed1-160-epochs" --epochs 80 --test-images 10000 & done
wait
