#!/usr/bin/env bash
# What a second core gives W1's training, Nabla's and PyTorch's, measured in this one run (issue 16 asks Nabla for
# 1.8x from --threads 1 to --threads 2). Each round runs, alternating: PyTorch's W1 with OpenBLAS on 1 thread, then on 2
# (run-torch.sh's fastest setup otherwise: one intra-op thread), then `nabla train bench/w1.nabla --threads 1|2`. Every
# figure is the median samples/s of epochs 2-5, as in bench/race.sh.
# Needs ../shared/peers and OpenBLAS's threaded build (apt-get install libopenblas0-pthread), as bench/race.sh does.
# Usage: bench/scaling.sh [rounds]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
peers=../shared/peers
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q libopenblas0-pthread >/dev/null; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
torch() {
  BLAS_THREADS=$1 bash "$peers/run-torch.sh" w1 2>/dev/null | sed -n 's/^RESULT //p' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["samples_per_s"])'
}
nabla() {
  local log
  log=$(mktemp --suffix .csv)
  ./nabla train bench/w1.nabla --no-save --quiet --threads "$1" --log "$log" >/dev/null
  # per-epoch log: epoch,step,samples,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds,...; epochs 2..5
  tail -n +3 "$log" | awk -F, '{printf "%.0f\n", $3 / $9}' | median
  rm -f "$log"
}
./nabla check bench/w1.nabla >/dev/null
printf '%5s %12s %12s %7s %12s %12s %7s\n' round torch-1 torch-2 ratio nabla-1 nabla-2 ratio
for round in $(seq "$rounds"); do
  t1=$(torch 1); t2=$(torch 2); n1=$(nabla 1); n2=$(nabla 2)
  printf '%5s %12s %12s %7s %12s %12s %7s\n' "$round" "$t1" "$t2" "$(ratio "$t2" "$t1")" "$n1" "$n2" "$(ratio "$n2" "$n1")"
done
