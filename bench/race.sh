#!/usr/bin/env bash
# The speed race against PyTorch, both measured in this one run on this machine (numbers drift between machines,
# ratios much less). W1: `nabla train bench/w1.nabla` against run-torch.sh w1 (median samples/s of epochs 2-5,
# test accuracy). W2: one epoch of the CNN bench/w2.nabla against run-torch.sh w2, both as the median samples/s of
# 3 windows of 79 batches after 40 warm-up batches, through the whole training loop (batch copy, step, update).
# W3: batch-1 latency and batch-128 throughput of the same MLP's inference, with frozen weights (CompiledModel.freeze,
# as TorchScript's torch.jit.freeze), then through the plain predict for comparison.
# Needs ../shared/peers (PyTorch reference; it installs python3-torch and Fashion-MNIST) and OpenBLAS's
# threaded build, without which Debian's torch falls back to reference BLAS: apt-get install libopenblas0-pthread.
# Usage: bench/race.sh [w1|w2|w3|all] [runs]   (runs: how many times PyTorch and Nabla alternate; default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
runs=${2:-1}
peers=../shared/peers
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q libopenblas0-pthread >/dev/null; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

if [ "$what" = w1 ] || [ "$what" = all ]; then
  echo "== W1 PyTorch"
  bash "$peers/run-torch.sh" w1 | grep '^RESULT'
  echo "== W1 Nabla (nabla train bench/w1.nabla)"
  log=$(mktemp --suffix .csv)
  ./nabla train bench/w1.nabla --no-save --log "$log" > "$log.out"
  grep -E 'accuracy' "$log.out"
  # samples/s of epochs 2..5 from the per-epoch log (epoch,step,samples,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds)
  rates=$(tail -n +3 "$log" | awk -F, '{printf "%.0f\n", $3 / $9}')
  echo "epochs 2-5 samples/s: $(echo $rates)  median $(echo "$rates" | tr ' ' '\n' | median)"
fi

test_classpath() {
  mvn -B -q -o -pl compiler -am test-compile -DskipTests >/dev/null 2>&1 || mvn -B -q -pl compiler -am test-compile -DskipTests
  [ -d cli/target/lib ] || ./nabla check bench/w1.nabla >/dev/null
  # this checkout's runtime and compiler classes first: cli/target/lib holds the jars of the last CLI build
  echo "runtime/target/classes:compiler/target/test-classes:compiler/target/classes:$(ls cli/target/lib/*.jar | tr '\n' ':')"
}

if [ "$what" = w2 ] || [ "$what" = all ]; then
  cp=$(test_classpath)
  for run in $(seq "$runs"); do
    echo "== W2 run $run: PyTorch"
    bash "$peers/run-torch.sh" w2 | grep '^RESULT'
    echo "== W2 run $run: Nabla (bench/w2.nabla)"
    java --add-modules jdk.incubator.vector -XX:+UseParallelGC -cp "$cp" dev.nabla.compiler.codegen.W2Bench bench/w2.nabla 2>&1 \
      | grep -v '^WARNING: Using incubator'
  done
fi

if [ "$what" = w3 ] || [ "$what" = all ]; then
  echo "== W3 PyTorch (eager, then TorchScript)"
  bash "$peers/run-torch.sh" w3 | grep '^RESULT'
  bash "$peers/run-torch.sh" w3 --jit | grep '^RESULT' || true
  echo "== W3 Nabla"
  cp=$(test_classpath)
  java --add-modules jdk.incubator.vector -cp "$cp" dev.nabla.compiler.codegen.W3Bench bench/w1.nabla 2>&1 | grep -v '^WARNING: Using incubator'
  echo "== W3 Nabla, plain predict (weights packed in every product, not frozen)"
  java --add-modules jdk.incubator.vector -cp "$cp" dev.nabla.compiler.codegen.W3Bench bench/w1.nabla plain 2>&1 | grep -v '^WARNING: Using incubator'
fi
