#!/usr/bin/env bash
# What gradient health costs (docs/insight.md): the training step with and without it, alternating, on W1
# (samples/fashion_mlp.nabla through W1Bench: generated trainStep + update, batch 128, random data, after 400 warm-up
# steps; with health the bench also does the trainer's per-step reading) and on the CNN (samples/fashion_cnn.nabla
# through W2Bench: two epochs of the real trainer on Fashion-MNIST, timed in the second, as the first epoch's batches
# 40-277 are still the JIT's warm-up and health has more to compile). Prints every RESULT line, then per workload the
# median samples/s without and with health and the overhead in % of step time. Run it on an otherwise idle machine.
# Usage: bench/health_overhead.sh [rounds]   (default 5; each round runs both variants of both workloads once)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
mvn -B -q -o -pl compiler -am test-compile -DskipTests >/dev/null 2>&1 || mvn -B -q -pl compiler -am test-compile -DskipTests
[ -d cli/target/lib ] || ./nabla check samples/fashion_mlp.nabla >/dev/null
cp="runtime/target/classes:compiler/target/test-classes:compiler/target/classes:$(ls cli/target/lib/*.jar | tr '\n' ':')"
out=$(mktemp)
run() { # workload health
  local main=W1Bench file=samples/fashion_mlp.nabla
  [ "$1" = cnn ] && main=W2Bench file=samples/fashion_cnn.nabla
  java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Dnabla.health="$2" -Dnabla.bench.epochs=2 -cp "$cp" \
    "dev.nabla.compiler.codegen.$main" "$file" 2>&1 | grep '^RESULT' | sed "s/^/$1 $2 /" | tee -a "$out"
}
for r in $(seq "$rounds"); do
  for w in w1 cnn; do
    run "$w" false
    run "$w" true
  done
done
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for w in w1 cnn; do
  off=$(grep "^$w false " "$out" | grep -o '"samples_per_s": [0-9.]*' | awk '{print $2}' | median)
  on=$(grep "^$w true " "$out" | grep -o '"samples_per_s": [0-9.]*' | awk '{print $2}' | median)
  awk -v w="$w" -v off="$off" -v on="$on" 'BEGIN {printf "%s: %.0f samples/s without health, %.0f with: overhead %.2f%% of step time\n", w, off, on, 100 * (off / on - 1)}'
done
rm -f "$out"
