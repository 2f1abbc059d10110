#!/usr/bin/env bash
# bench/ab.sh — one sandbox binary against another, in the same run.
#
#   bench/ab.sh BEFORE AFTER [ROUNDS]     (default 5 rounds)
#
# For each workload, every round runs BEFORE then AFTER (hyperfine -N, 40
# launches each, 5 warm-up), so drift of the machine hits both alike; the
# table gives the median over all pooled runs of each and their ratio
# (AFTER / BEFORE: below 1.00 is faster). The throughput workloads (a 1 GiB
# file through a pipe and as a descriptor, 2 GiB read 16 KiB at a time) also
# run bare, for the ratio to no sandbox. Needs hyperfine and python3. Prints a Markdown table.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,12p' "$0"; exit 2; }
BEFORE=$(realpath "$1")
AFTER=$(realpath "$2")
ROUNDS=${3:-5}
for tool in hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "bench/ab.sh: $tool is missing (scripts/setup-deps.sh --bench)" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/sandbox-ab.XXXXXX)
INPUT=/dev/shm/sandbox-ab-input.$$
cleanup() { rm -rf "$WORK"; rm -f "$INPUT"; }
trap cleanup EXIT
chmod 755 "$WORK"
head -c 1G /dev/zero | tr '\0' '\n' > "$INPUT"
chmod 644 "$INPUT"

# name|runs|command with {S} for the sandbox (empty for bare)
WORKLOADS=(
  "true|40|{S} true"
  "pipe_in|6|cat $INPUT | {S} wc -l"
  "fd_in|6|{S} wc -l < $INPUT"
  "pipe_small_reads|3|head -c 2G /dev/zero | {S} wc -c"
)

run() {  # name variant round runs command
  local json="$WORK/$1.$2.$3.json"
  hyperfine -N --runs "$4" --warmup 2 --style none --export-json "$json" "$5" >/dev/null 2>&1 ||
    hyperfine --runs "$4" --warmup 2 --style none --export-json "$json" "$5" >/dev/null
}

for round in $(seq 1 "$ROUNDS"); do
  for w in "${WORKLOADS[@]}"; do
    IFS='|' read -r name runs template <<<"$w"
    for variant in before after bare; do
      case $variant in
        before) bin=$BEFORE ;;
        after) bin=$AFTER ;;
        bare) [ "$name" = true ] && continue; bin="" ;;
      esac
      cmd=${template//\{S\}/$bin}
      run "$name" "$variant" "$round" "$runs" "$cmd"
    done
  done
done

names=$(for w in "${WORKLOADS[@]}"; do printf '%s ' "${w%%|*}"; done)
python3 - "$WORK" "$BEFORE" "$AFTER" "$ROUNDS" "$names" <<'EOF'
import glob, json, os, statistics, sys
work, before, after, rounds, names = sys.argv[1:]
times = {}
for path in glob.glob(os.path.join(work, "*.json")):
    name, variant, _round, _ = os.path.basename(path).split(".")
    for result in json.load(open(path))["results"]:
        times.setdefault((name, variant), []).extend(result["times"])
med = {k: statistics.median(v) for k, v in times.items()}
def ms(x): return f"{x * 1000:.2f} ms" if x < 1 else f"{x:.3f} s"
print(f"before: {before}\nafter:  {after}\nrounds: {rounds}, interleaved\n")
print("| workload | bare | before | after | after / before | after / bare (time) |")
print("|---|---:|---:|---:|---:|---:|")
for name in names.split():
    b, a, z = med.get((name, "before")), med.get((name, "after")), med.get((name, "bare"))
    print(f"| {name} | {ms(z) if z else '—'} | {ms(b)} | {ms(a)} | x{a / b:.3f} | {f'x{a / z:.3f}' if z else '—'} |")
EOF
