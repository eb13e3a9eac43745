#!/usr/bin/env bash
# Proves that the -Pcuda build resolves: Maven collects the dependency graph of every module with
# and without the profile, and this script checks that -Pcuda swaps nd4j-native for nd4j-cuda-11.6
# (linux-x86_64) and adds the CUDA 11.6 / cuDNN 8.3 redistributable to the job jar, while the
# default build keeps the CPU backend only. dependency:tree downloads POMs, never the jars, so the
# 573 MB CUDA backend and the 1.7 GB redistributable stay off this machine: the script fails if
# either jar appears in the local repository during the run. About 10 s with the POMs cached.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

REPO="${MAVEN_REPO:-$HOME/.m2/repository}"
BIG_JARS=(
  "$REPO/org/nd4j/nd4j-cuda-11.6/1.0.0-M2.1/nd4j-cuda-11.6-1.0.0-M2.1-linux-x86_64.jar"
  "$REPO/org/bytedeco/cuda/11.6-8.3-1.5.7/cuda-11.6-8.3-1.5.7-linux-x86_64-redist.jar"
)
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

present_before=()
for jar in "${BIG_JARS[@]}"; do
  if [[ -f "$jar" ]]; then present_before+=("$jar"); fi
done

tree() { # $1 = output file, rest = extra Maven args
  local file="$1"
  shift
  mvn -B -q -Dstyle.color=never "$@" -pl model,operators,job dependency:tree \
    -DoutputFile="$file" -DappendOutput=true
}

started=$SECONDS
tree "$OUT/cuda.txt" -Pcuda
tree "$OUT/cpu.txt"

fail() {
  echo "check-cuda-profile: FAIL: $*" >&2
  exit 1
}
# one tree per module, appended to one file (the modules' trees begin at column 0)
for module in tft-flink-model tft-flink-operators tft-flink-job; do
  awk -v m="org.tftflink:$module:" 'index($0, m) == 1 {on = 1; print; next} /^[^ |+\\]/ {on = 0} on' \
    "$OUT/cuda.txt" > "$OUT/cuda-$module.txt"
  grep -q 'org.nd4j:nd4j-cuda-11.6:jar:linux-x86_64:1.0.0-M2.1' "$OUT/cuda-$module.txt" ||
    fail "$module: -Pcuda has no nd4j-cuda-11.6 linux-x86_64"
  if grep -q 'org.nd4j:nd4j-native:jar' "$OUT/cuda-$module.txt"; then
    fail "$module: -Pcuda still has nd4j-native"
  fi
done
grep -q 'org.bytedeco:cuda:jar:linux-x86_64-redist:11.6-8.3-1.5.7' "$OUT/cuda-tft-flink-job.txt" ||
  fail "tft-flink-job: -Pcuda has no CUDA 11.6 / cuDNN 8.3 redistributable"
grep -q 'org.nd4j:nd4j-native:jar:linux-x86_64:1.0.0-M2.1' "$OUT/cpu.txt" ||
  fail "the default build has no nd4j-native linux-x86_64"
if grep -q 'nd4j-cuda\|org.bytedeco:cuda' "$OUT/cpu.txt"; then
  fail "the default build pulls CUDA artifacts"
fi

for jar in "${BIG_JARS[@]}"; do
  if [[ -f "$jar" && ! " ${present_before[*]-} " == *" $jar "* ]]; then
    fail "resolving the tree downloaded $jar"
  fi
done
echo "check-cuda-profile: OK in $((SECONDS - started)) s: -Pcuda resolves nd4j-cuda-11.6 (linux-x86_64)" \
  "and the CUDA redistributable without nd4j-native; the default build stays CPU-only; no CUDA jar downloaded"
