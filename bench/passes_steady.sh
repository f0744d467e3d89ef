#!/usr/bin/env bash
# Steady-state training-step time with every optimization pass and with none (--no-pass all), per sample:
# `nabla train --profile` times every kernel call after the first epoch (JIT warm-up) and reports the kernels' time
# per optimizer step (trainStep and update). Alternates on/off, `runs` times each
# (default 3). Run on an idle machine. The two large CNN samples (fashion_convnet, fashion_cnn_bn: minutes per epoch)
# are left out; pass their names as extra arguments to include them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
shift || true
samples=(iris wine wine_alcohol breast_cancer breast_cancer_bce digits digits_bn digits_gru fashion_mlp fashion_cnn "$@")
epochs_of() { case "$1" in fashion_*) echo 2 ;; *) echo 4 ;; esac; }
for s in "${samples[@]}"; do
  for run in $(seq "$runs"); do
    for mode in on off; do
      flags=()
      [ "$mode" = off ] && flags=(--no-pass all)
      out=$("$root/nabla" train "$root/samples/$s.nabla" --epochs "$(epochs_of "$s")" --no-save --profile "${flags[@]}" 2>/dev/null)
      step=$(echo "$out" | awk '/trainStep \(all kernels\)/ {print $(NF-1)}')
      update=$(echo "$out" | awk '/update \(all kernels\)/ {print $(NF-1)}')
      echo "$s run $run passes $mode: trainStep $step us/step, update $update us/step"
    done
  done
done
