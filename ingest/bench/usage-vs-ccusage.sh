#!/usr/bin/env bash
# Benchmark: `agentmeter usage --by day --json` against ccusage 20.0.24 on the same generated tree.
# Usage: ingest/bench/usage-vs-ccusage.sh [MEGABYTES_ARG=156] [SEED=42] [RUNS=3]
# (156 makes a tree of about 170 MB.) Needs npx and GNU time (/usr/bin/time; `apt-get install time`).
set -euo pipefail
cd "$(dirname "$0")/../.."
MB=${1:-156}; SEED=${2:-42}; RUNS=${3:-3}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p agentmeter-ingest --bin agentmeter --example gen_tree
TREE=$(mktemp -d)/tree
trap 'rm -rf "$(dirname "$TREE")"' EXIT
"$TARGET/release/examples/gen_tree" "$TREE" "$MB" "$SEED"
echo "tree: $(du -sh --apparent-size "$TREE" | cut -f1), $(find "$TREE" -name '*.jsonl' | wc -l) files, $(cat $(find "$TREE" -name '*.jsonl') | wc -l) lines"
npx -y ccusage@20.0.24 --version >/dev/null   # install once, outside the timings
FMT="wall %e s, cpu %U+%S s, max rss %M KiB"
LOG=$(dirname "$TREE")/times.log
for run in $(seq "$RUNS"); do
  /usr/bin/time -a -o "$LOG" -f "agentmeter run $run: $FMT" \
    "$TARGET/release/agentmeter" usage --logs "$TREE" --by day --json --tz UTC >/tmp/agentmeter-bench.json 2>/dev/null
  CLAUDE_CONFIG_DIR="$TREE" /usr/bin/time -a -o "$LOG" -f "ccusage    run $run: $FMT" \
    npx -y ccusage@20.0.24 claude daily --offline --json -z UTC --mode calculate >/tmp/ccusage-bench.json 2>/dev/null
done
cat "$LOG"
python3 - <<'PY'
import json
o = {r["key"]: r for r in json.load(open("/tmp/agentmeter-bench.json"))["rows"]}
t = {d["date"]: d for d in json.load(open("/tmp/ccusage-bench.json"))["daily"]}
bad = [k for k in t if k not in o or o[k]["total_tokens"] != t[k]["totalTokens"]
       or abs(o[k]["cost_usd"] - t[k]["totalCost"]) > 1e-4 * t[k]["totalCost"]]
print(f"days: {len(o)} ours, {len(t)} ccusage; days that differ: {len(bad)}")
PY
