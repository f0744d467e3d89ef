#!/usr/bin/env bash
# Builds the runtime and the benchmarks, times the W1 training-step products (1 and 2 threads) and the
# batch-1 products, vector and plain Java, then runs the JMH benchmarks matching the arguments (default: all).
# Usage: bench/run.sh [JMH arguments, e.g. GemmBenchmark -p threads=1]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl runtime,bench -am package -DskipTests
CP="$(cat bench/target/classpath.txt):bench/target/classes"
java --add-modules jdk.incubator.vector -cp "$CP" dev.nabla.bench.TrainingStepMain 1 2
java --add-modules jdk.incubator.vector -Dnabla.vector=false -cp "$CP" dev.nabla.bench.TrainingStepMain 1 2
java --add-modules jdk.incubator.vector -cp "$CP" dev.nabla.bench.MatVecMain
java --add-modules jdk.incubator.vector -Dnabla.vector=false -cp "$CP" dev.nabla.bench.MatVecMain
java -cp "$CP" org.openjdk.jmh.Main "${@:-dev.nabla.bench}"
