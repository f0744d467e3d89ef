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
# Each W1 and W3 run ends with a summary line: both figures, their GFLOP/s and share of the peak, the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
runs=${2:-1}
peers=../shared/peers
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q libopenblas0-pthread >/dev/null; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# The host's multiply-add peak (bench PeakMain: one thread, then two at once), printed before each run: a shared host
# gives its cores' memory side and clock in varying measure, so each figure is also given as GFLOP/s and as a share of
# the two-thread peak measured next to it. FLOPs per sample count the products each side runs: W1 training
# 2 * (forward + weight-gradient + input-gradient MACs of layers 2 and 3) = 1,007,104; W3 inference 2 * 234,752.
W1_FLOP=1007104
W3_FLOP=469504
peak() {
  [ -f bench/target/classes/dev/nabla/bench/PeakMain.class ] || mvn -B -q -o -pl bench -am package -DskipTests >/dev/null
  local line
  line=$(java --add-modules jdk.incubator.vector -cp "runtime/target/classes:bench/target/classes" dev.nabla.bench.PeakMain \
    2>&1 | grep '^PEAK')
  echo "$line" >&2
  echo "$line" | json two_threads_total
}
# share FLOP_PER_SAMPLE SAMPLES_PER_S PEAK_GFLOPS: "G GFLOP/s, P% of the two-thread peak"
share() { awk -v f="$1" -v r="$2" -v p="$3" 'BEGIN {g = f * r / 1e9; printf "%.1f GFLOP/s, %.0f%% of the two-thread peak", g, 100 * g / p}'; }
json() { sed -E "s/.*\"$1\": ([0-9.]+).*/\1/"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

if [ "$what" = w1 ] || [ "$what" = all ]; then
  ./nabla check bench/w1.nabla >/dev/null
  for run in $(seq "$runs"); do
    p=$(peak)
    echo "== W1 run $run: PyTorch"
    torch=$(bash "$peers/run-torch.sh" w1 | grep '^RESULT')
    echo "$torch"
    # PyTorch's figure is the median of epochs 2-5, as Nabla's below
    t=$(echo "$torch" | json samples_per_s)
    echo "== W1 run $run: Nabla (nabla train bench/w1.nabla)"
    log=$(mktemp --suffix .csv)
    ./nabla train bench/w1.nabla --no-save --log "$log" > "$log.out"
    grep -E 'accuracy' "$log.out" | tail -1
    # samples/s of epochs 2..5 from the per-epoch log (epoch,step,samples,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds)
    rates=$(tail -n +3 "$log" | awk -F, '{printf "%.0f\n", $3 / $9}')
    n=$(echo "$rates" | median)
    echo "epochs 2-5 samples/s: $(echo $rates)  median $n"
    echo "W1 run $run: PyTorch $t samples/s ($(share $W1_FLOP "$t" "$p")), Nabla $n ($(share $W1_FLOP "$n" "$p")):" \
      "ratio $(ratio "$n" "$t")"
    rm -f "$log" "$log.out"
  done
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
  cp=$(test_classpath)
  for run in $(seq "$runs"); do
    p=$(peak)
    echo "== W3 run $run: PyTorch (eager, then TorchScript)"
    bash "$peers/run-torch.sh" w3 | grep '^RESULT'
    jit=$(bash "$peers/run-torch.sh" w3 --jit | grep '^RESULT' || true)
    echo "$jit"
    jit_b1=$(echo "$jit" | grep 'W3-b1"' | json median_us || true)
    jit_b128=$(echo "$jit" | grep 'W3-b128"' | json samples_per_s || true)
    echo "== W3 run $run: Nabla"
    frozen=$(java --add-modules jdk.incubator.vector -cp "$cp" dev.nabla.compiler.codegen.W3Bench bench/w1.nabla 2>&1 \
      | grep '^RESULT')
    echo "$frozen"
    echo "== W3 run $run: Nabla, plain predict (weights packed in every product, not frozen)"
    java --add-modules jdk.incubator.vector -cp "$cp" dev.nabla.compiler.codegen.W3Bench bench/w1.nabla plain 2>&1 | grep '^RESULT'
    if [ -n "$jit_b128" ]; then
      t=$jit_b128
      n=$(echo "$frozen" | json batch128_samples_per_s)
      echo "W3 run $run, batch 128: TorchScript $t samples/s ($(share $W3_FLOP "$t" "$p")), Nabla frozen $n" \
        "($(share $W3_FLOP "$n" "$p")): ratio $(ratio "$n" "$t");" \
        "batch 1: TorchScript $jit_b1 us, Nabla $(echo "$frozen" | json batch1_us) us"
    fi
  done
fi
