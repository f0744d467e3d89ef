#!/usr/bin/env bash
# W1's training at other widths and batch sizes, PyTorch and Nabla one after the other in this one run (issue 16:
# gains must hold beyond W1's 256/128 at batch 128). For each shape H1xH2@BATCH: bench/torch_shapes.py in PyTorch's
# fastest setup (as ../shared/peers/run-torch.sh: one intra-op thread, OpenBLAS with 2 threads), then `nabla train`
# on bench/w1.nabla with the widths and batch replaced; each prints the median samples/s of epochs 2..EPOCHS.
# Usage: bench/shapes.sh [runs] [epochs] [shape...]   shapes like 64x64@16 (default: a spread from 64 to 1024 wide,
# batches 16 to 512)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1}
epochs=${2:-3}
shift $(( $# < 2 ? $# : 2 ))
shapes=("$@")
[ ${#shapes[@]} -gt 0 ] || shapes=(64x64@16 256x128@64 512x256@256 1024x512@128 1024x1024@512)
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
./nabla check bench/w1.nabla >/dev/null
tmp=$(mktemp -d)
printf '%-14s %4s %12s %12s %7s\n' shape run pytorch nabla ratio
for shape in "${shapes[@]}"; do
  h1=${shape%%x*}; rest=${shape#*x}; h2=${rest%@*}; batch=${shape#*@}
  model="$tmp/w1_${h1}_${h2}_${batch}.nabla"
  sed -e "s/dense(image, 256,/dense(image, $h1,/" -e "s/dense(hidden1, 128,/dense(hidden1, $h2,/" \
      -e "s/batch = 128/batch = $batch/" -e "s/epochs = 5/epochs = $epochs/" bench/w1.nabla > "$model"
  ratios=()
  for run in $(seq "$runs"); do
    torch=$(env -u OPENBLAS_CORETYPE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/torch_shapes.py \
        "$h1" "$h2" "$batch" "$epochs" | sed -n 's/^RESULT //p' | python3 -c 'import json,sys; print(json.load(sys.stdin)["samples_per_s"])')
    log="$tmp/log.csv"
    ./nabla train "$model" --no-save --quiet --log "$log" >/dev/null
    # per-epoch log: epoch,step,samples,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds,[health]; epochs 2..
    nabla=$(tail -n +3 "$log" | awk -F, '{printf "%.0f\n", $3 / $9}' | median)
    ratio=$(awk -v a="$nabla" -v b="$torch" 'BEGIN {printf "%.2f", a / b}')
    ratios+=("$ratio")
    printf '%-14s %4d %12.0f %12.0f %7s\n' "$shape" "$run" "$torch" "$nabla" "$ratio"
  done
  printf '%-14s %4s %12s %12s %7s\n' "$shape" med "" "" "$(printf '%s\n' "${ratios[@]}" | median)"
done
rm -rf "$tmp"
