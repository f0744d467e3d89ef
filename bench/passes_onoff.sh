#!/usr/bin/env bash
# Training throughput with every optimization pass and with none (--no-pass all), alternating, 3 runs each: W1, W2 and
# the batch-norm CNN sample. Run on an idle machine. Prints samples/s as `nabla train` reports them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
for spec in "bench/w1.nabla:1000" "bench/w2.nabla:200" "samples/fashion_cnn_bn.nabla:60"; do
  model="${spec%%:*}"
  steps="${spec##*:}"
  for run in $(seq "$runs"); do
    for mode in on off; do
      flags=()
      [ "$mode" = off ] && flags=(--no-pass all)
      rate=$("$root/nabla" train "$root/$model" --steps "$steps" --no-save "${flags[@]}" 2>/dev/null \
        | grep -o '[0-9]* samples/s' | tail -1)
      echo "$model run $run passes $mode: $rate"
    done
  done
done
