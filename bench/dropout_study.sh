#!/usr/bin/env bash
# The notes' question, "how much exactly does dropout help?", answered on the 8x8 digits: samples/digits.nabla with
# dropout 0, 0.2 and 0.5 on the hidden layer, L2 on and off, 5 seeds each (nabla train --repeat), then a Welch test
# between no dropout and dropout 0.5 without L2 (nabla compare). Each configuration's per-epoch curves (mean and std
# over the seeds) go to OUT/NAME.csv, and nabla compare draws them on one chart, PLOT. Results: docs/insight.md.
# Usage: bench/dropout_study.sh [OUT] [PLOT]   (defaults: bench/target/dropout_study, OUT/dropout_study.svg)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/bench/target/dropout_study}"
plot="${2:-$out/dropout_study.svg}"
mkdir -p "$out"
data="$root/samples/data/digits.csv.gz"
for l2 in on off; do
  for rate in 0 0.2 0.5; do
    name="digits_dropout_${rate/./}_l2_$l2"
    loss='cross_entropy(logits, digit) + l2(weights, 1e-4)'
    [ "$l2" = off ] && loss='cross_entropy(logits, digit)'
    sed -e "s#model Digits#model Digits_dropout_${rate/./}_l2_$l2#" \
        -e "s#logits = dense(hidden, 10)#logits = dense(dropout(hidden, $rate), 10)#" \
        -e "s#loss = .*#loss = $loss#" \
        -e "s#\"data/digits.csv.gz\"#\"$data\"#" "$root/samples/digits.nabla" > "$out/$name.nabla"
    printf '%-28s ' "$name"
    "$root/nabla" train "$out/$name.nabla" --repeat 5 --log "$out/$name.csv" | tail -1
  done
done
"$root/nabla" compare "$out/digits_dropout_0_l2_off.nabla" "$out/digits_dropout_05_l2_off.nabla" --repeat 5 | tail -3
"$root/nabla" compare "$out"/digits_dropout_{0,02,05}_l2_on.csv "$out"/digits_dropout_{0,02,05}_l2_off.csv --plot "$plot"
