#!/usr/bin/env bash
# What gradient health costs per training step (docs/insight.md), measured in pairs inside one JVM
# (HealthOverheadBench): the model compiled without and with health, windows of 50 steps (trainStep, update, and the
# trainer's per-step reading of the HEALTH buffers) alternating between the two on the same random batch of 128; the
# median ratio of neighbouring windows is the overhead. Load that comes and goes lands on both sides of most pairs,
# where separate runs (bench/health_overhead.sh) spread by ±20%. Warm-up lasts until the JIT compiler is quiet, and
# pairs it worked in are left out (jit_busy_pairs counts them); alloc_bytes_per_step_without_with shows a side
# running Vector API fallbacks. A control run first compiles both sides without health: its "overhead" is the
# method's own bias and noise, to read the health figure against.
# Usage: bench/health_overhead_paired.sh [pairs] [threads]   (defaults 40 and the runtime's default thread count;
# with 1 thread the RESULT line also gives the overhead in the caller's CPU time)
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-40}
threads=${2:-}
mvn -B -q -o -pl compiler -am test-compile -DskipTests >/dev/null 2>&1 || mvn -B -q -pl compiler -am test-compile -DskipTests
[ -d cli/target/lib ] || ./nabla check samples/fashion_mlp.nabla >/dev/null
cp="runtime/target/classes:compiler/target/test-classes:compiler/target/classes:$(ls cli/target/lib/*.jar | tr '\n' ':')"
opts=(--add-modules jdk.incubator.vector -XX:+UseParallelGC)
[ -n "$threads" ] && opts+=("-Dnabla.threads=$threads")
for file in samples/fashion_mlp.nabla samples/fashion_cnn.nabla; do
  for control in true false; do
    java "${opts[@]}" -Dnabla.bench.control=$control -cp "$cp" dev.nabla.compiler.codegen.HealthOverheadBench "$file" "$pairs" 2>&1 \
      | grep '^RESULT' | sed "s/^/$( [ $control = true ] && echo 'control (no health on either side) ' || echo 'health ')/"
  done
done
