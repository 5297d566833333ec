#!/usr/bin/env bash
# CI's conformance step (`npm run conformance:ci`, run by .ci/run after `npm test`): the whole
# corpus in two shards at once (one per core), Groth16 only for circuits up to
# PROVE_MAX_CONSTRAINTS (the rest through the witness), then the merged report checked against
# the committed bench/results/conformance.json (scripts/conformance/checkConformance.ts): exit 1
# when the pass rate is below 90%, a model that passed there fails, or a model was not run.
# The report goes to build/conformance-ci/, not over the committed one.
set -euo pipefail
cd "$(dirname "$0")/.."
PROVE_MAX_CONSTRAINTS=${PROVE_MAX_CONSTRAINTS:-500}
SHARDS=${CONFORMANCE_SHARDS:-2}
OUT=build/conformance-ci
mkdir -p "$OUT"
# A shard that runs longer than this is stuck (the whole corpus takes ~3 min per shard here).
SHARD_TIMEOUT=${CONFORMANCE_SHARD_TIMEOUT:-30m}
run() { node --conditions=zkml-source scripts/conformance.ts --prove-max-constraints "$PROVE_MAX_CONSTRAINTS" "$@"; }
pids=()
reports=()
for ((k = 0; k < SHARDS; k++)); do
  # each shard's lines go to its log and, prefixed, to the console as they come (CI shows progress)
  (timeout --kill-after=30s "$SHARD_TIMEOUT" node --conditions=zkml-source scripts/conformance.ts \
    --prove-max-constraints "$PROVE_MAX_CONSTRAINTS" --shard "$k/$SHARDS" --out "$OUT/shard$k" 2>&1 |
    tee "$OUT/shard$k.log" | sed -u "s/^/[shard $k] /") &
  pids+=($!)
  reports+=("$OUT/shard$k/conformance.json")
done
for ((k = 0; k < SHARDS; k++)); do
  if ! wait "${pids[$k]}"; then
    echo "conformance shard $k/$SHARDS failed or did not finish within $SHARD_TIMEOUT; its log: $OUT/shard$k.log" >&2
    exit 1
  fi
done
IFS=,
run --only '^$' --merge "${reports[*]}" --out "$OUT" --check
