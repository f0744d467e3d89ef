#!/usr/bin/env bash
# Data-parallel training on Spark against one machine, on Fashion-MNIST (docs/spark.md, "Measured"):
#   - single-process `nabla train` (kernel threads: the default, both cores);
#   - `nabla train --spark local[1]` and `local[2]` (one kernel thread per task, the default on Spark), and local[1]
#     with --threads 2, which gives the one task both cores as the single process has them;
# each for EPOCHS epochs (default 2) of the model's own batch (128); samples/s is the last epoch's (the first pays
# for JIT warm-up and, on Spark, for building the cached partitions). The Spark runs also print where a step's time
# goes: making the broadcast, the gradient job (task launch, broadcast fetch, kernels, results, merge) and within it
# the slowest task's own computing, and the driver's update.
# Needs Fashion-MNIST: apt-get install dataset-fashion-mnist. Usage: bench/spark.sh [w1|w2] [epochs]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-w1}
epochs=${2:-2}
case "$what" in
  w1) model=samples/fashion_mlp.nabla ;;
  w2) model=samples/fashion_cnn.nabla ;;
  *) echo "usage: bench/spark.sh [w1|w2] [epochs]" >&2; exit 2 ;;
esac
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || {
  echo "bench/spark.sh: needs Fashion-MNIST: apt-get install dataset-fashion-mnist" >&2; exit 1; }
# The training set is held on the driver and in the cached partitions (and, in local mode, broadcast once): room.
export NABLA_JAVA_OPTS="${NABLA_JAVA_OPTS:--Xmx6g}"
./nabla check "$model" >/dev/null   # builds the CLI (and Spark's class path) first, outside the timings

run() {
  local label=$1
  shift
  local log out
  log=$(mktemp --suffix .csv)
  out=$(mktemp)
  ./nabla train "$model" --epochs "$epochs" --no-save --log "$log" "$@" > "$out"
  # the log: epoch,step,samples,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds
  local rate
  rate=$(tail -n 1 "$log" | awk -F, '{printf "%.0f", $3 / $9}')
  printf '%-28s last epoch %8s samples/s   %s\n' "$label" "$rate" "$(grep -E '^[0-9]+ samples  loss' "$out" || true)"
  grep '^spark ' "$out" | sed 's/^/    /' || true
  rm -f "$log" "$out"
}

echo "== $model, $epochs epochs, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
run "one process" 
run "spark local[1]" --spark 'local[1]'
run "spark local[1] --threads 2" --spark 'local[1]' --threads 2
run "spark local[2]" --spark 'local[2]'
