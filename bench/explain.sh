#!/usr/bin/env bash
# bench/explain.sh — the cost of --explain (issue 14), sandbox only.
#
#   bench/explain.sh [SANDBOX_BINARY] [RUNS]     (default build/sandbox, 10 runs)
#
# Two workloads, each with and without --explain, interleaved round by round
# (hyperfine -N, 2 warm-ups): `gcc -c hello.c` (a few hundred observed calls)
# and `ls -lR /usr/share/doc` (lstat-heavy: one traced call per entry). Prints
# a Markdown table: medians and the ratio with/without. Without --explain
# nothing of the tracer exists; `sandbox true` off against another build is
# bench/ab.sh's row.
set -euo pipefail
cd "$(dirname "$0")/.."
S=$(realpath "${1:-build/sandbox}")
RUNS=${2:-10}
ROUNDS=3
command -v hyperfine >/dev/null || { echo "bench/explain.sh: hyperfine is missing (scripts/setup-deps.sh --bench)" >&2; exit 2; }
WORK=$(mktemp -d /tmp/sandbox-explain-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' > "$WORK/hello.c"
chmod 644 "$WORK/hello.c"

# name|command (with {E} for the --explain flag or nothing)
WORKLOADS=(
  "gcc -c hello.c|$S {E} -M --ro $WORK/hello.c gcc -c $WORK/hello.c -o /tmp/hello.o"
  "ls -lR /usr/share/doc|$S {E} ls -lR /usr/share/doc"
)
for round in $(seq 1 $ROUNDS); do
  for i in "${!WORKLOADS[@]}"; do
    IFS='|' read -r name template <<<"${WORKLOADS[$i]}"
    for variant in off on; do
      flag=""; [ $variant = on ] && flag="--explain"
      cmd=${template//\{E\}/$flag}
      hyperfine -N --runs "$RUNS" --warmup 2 --style none --export-json "$WORK/$i.$variant.$round.json" \
        "$cmd" >/dev/null 2>&1
    done
  done
done
python3 - "$WORK" "${#WORKLOADS[@]}" "${WORKLOADS[@]}" <<'PY'
import glob, json, statistics, sys
work, n = sys.argv[1], int(sys.argv[2])
names = [w.split("|")[0] for w in sys.argv[3:3 + n]]
print("| workload | without --explain | with --explain | ratio |")
print("|---|---:|---:|---:|")
for i, name in enumerate(names):
    med = {}
    for v in ("off", "on"):
        times = []
        for f in glob.glob(f"{work}/{i}.{v}.*.json"):
            times += json.load(open(f))["results"][0]["times"]
        med[v] = statistics.median(times)
    print(f"| `{name}` | {med['off']*1000:.1f} ms | {med['on']*1000:.1f} ms | ×{med['on']/med['off']:.2f} |")
PY
