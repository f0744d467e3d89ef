#!/usr/bin/env bash
# Peak resident memory (VmHWM, as /usr/bin/time -v's "Maximum resident set size") of `nabla train` on each sample,
# and of W1 (bench/w1.nabla, 2 epochs, as docs/benchmarks.md quotes). Peak RSS does not depend on the machine's load,
# so this may run beside other work; speed is not measured. The long Fashion-MNIST CNNs train for a few hundred steps
# (their peak is reached in the first epoch: the data is loaded and the kernels compiled by then).
# Usage: bench/memory.sh [FILE.nabla ...]   (default: bench/w1.nabla and every sample)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; }
./nabla check bench/w1.nabla >/dev/null
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(bench/w1.nabla samples/*.nabla)
printf '| %-34s | %-40s | %s |\n' "model" "arguments" "peak RSS (MB)"
for f in "${files[@]}"; do
  case "$(basename "$f")" in
    w1.nabla) args="--epochs 2" ;;
    fashion_convnet.nabla|fashion_cnn_bn.nabla) args="--steps 300" ;;
    *) args="" ;;
  esac
  out=$(mktemp)
  # shellcheck disable=SC2086
  if ! /usr/bin/time -v ./nabla train "$f" $args --no-save --quiet >"$out" 2>&1; then
    tail -5 "$out" >&2
    echo "memory.sh: $f failed" >&2
    exit 1
  fi
  kb=$(grep 'Maximum resident set size' "$out" | awk '{print $NF}')
  printf '| %-34s | %-40s | %s |\n' "$f" "${args:-"as in its train block"}" "$((kb / 1024))"
  rm -f "$out"
done
