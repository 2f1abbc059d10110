#!/usr/bin/env bash
# bench/run.sh — sandbox against bubblewrap, firejail and no sandbox at all.
#
#   bench/run.sh            full run (3 rounds), prints the table, writes BENCHMARKS.md
#   bench/run.sh --quick    one short round, prints the table only
#   options: --rounds N, --no-build, --out FILE (write the report there, also in quick mode)
#   env:     SANDBOX_BIN=path (skip the build), BENCH_BUILD_DIR (default build-bench)
#
# Needs hyperfine, bwrap and firejail (scripts/setup-deps.sh --bench) and python3.
# Every workload runs for every anchor in each round; the report gives medians
# over the pooled runs and ratios of medians, which are only meaningful within
# one run (the machine's absolute speed drifts, see BENCHMARKS.md).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
QUICK=0
ROUNDS=""
BUILD=1
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --rounds) ROUNDS="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$ROUNDS" ] || ROUNDS=$([ $QUICK = 1 ] && echo 1 || echo 3)
[ $QUICK = 1 ] || [ -n "$OUT" ] || OUT="$ROOT/BENCHMARKS.md"

for tool in hyperfine bwrap python3 c++; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is missing (scripts/setup-deps.sh --bench)" >&2; exit 2; }
done

# ---- the sandbox binary ----------------------------------------------------
if [ -z "${SANDBOX_BIN:-}" ]; then
  BUILD_DIR=${BENCH_BUILD_DIR:-$ROOT/build-bench}
  if [ $BUILD = 1 ]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j2 --target sandbox >/dev/null
  fi
  SANDBOX_BIN=$BUILD_DIR/sandbox
fi
[ -x "$SANDBOX_BIN" ] || { echo "bench/run.sh: no sandbox binary at $SANDBOX_BIN" >&2; exit 2; }

# ---- scratch: the payload programs and the 2 GiB input file ----------------
WORK=$(mktemp -d /tmp/sandbox-bench.XXXXXX)
SHM_FILE=/dev/shm/sandbox-bench-input.$$
cleanup() { rm -rf "$WORK"; rm -f "$SHM_FILE"; }
trap cleanup EXIT
chmod 755 "$WORK"
mkdir -p "$WORK/bin" "$WORK/results"
c++ -O2 -o "$WORK/bin/getppid_loop" "$ROOT/bench/getppid_loop.cc"
c++ -O2 -o "$WORK/bin/seccomp_allow_all" "$ROOT/bench/seccomp_allow_all.cc"
c++ -O2 -std=c++20 -o "$WORK/launch_cost" "$ROOT/bench/launch_cost.cc"
head -c 2G /dev/zero | tr '\0' '\n' > "$SHM_FILE"
chmod 644 "$SHM_FILE"

# ---- the anchors: exactly the invocations of facts/anchors-perf.md ---------
declare -A PREFIX
ANCHORS=(bare sandbox bwrap firejail)
PREFIX[bare]=""
PREFIX[sandbox]="$SANDBOX_BIN"
PREFIX[bwrap]="bwrap --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/sbin /sbin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --symlink usr/lib32 /lib32 --proc /proc --dev /dev --tmpfs /tmp --ro-bind $WORK/bin $WORK/bin --unshare-all --die-with-parent --new-session --cap-drop ALL --"
PREFIX[firejail]="firejail --noprofile --quiet --net=none --private --private-tmp --private-dev --ipc-namespace --caps.drop=all --nonewprivs --seccomp --noroot --read-only=/ --whitelist=$WORK/bin --read-only=$WORK/bin --"
declare -A AVAILABLE
for a in "${ANCHORS[@]}"; do
  if ${PREFIX[$a]} true >/dev/null 2>&1; then AVAILABLE[$a]=1; else AVAILABLE[$a]=0; fi
done
[ "${AVAILABLE[sandbox]}" = 1 ] || { echo "bench/run.sh: '$SANDBOX_BIN true' fails" >&2; exit 1; }
FILTERED=0
"$SANDBOX_BIN" --net=filtered true >/dev/null 2>&1 && FILTERED=1

# ---- the workloads: name|shell or not|runs (full)|command, {S} = prefix ----
WORKLOADS=(
  "true|N|40|{S} true"
  "sh_true|N|40|{S} /bin/sh -c true"
  "parallel|S|6|seq 200 | xargs -P2 -n1 {S} true"
  "getppid|N|3|{S} $WORK/bin/getppid_loop 5000000"
  "getppid_floor|N|3|$WORK/bin/seccomp_allow_all $WORK/bin/getppid_loop 5000000"
  "find_usr|N|5|{S} /bin/sh -c 'find /usr -type f | wc -l'"
  "fork_exec|N|5|{S} /bin/sh -c 'i=0; while [ \$i -lt 500 ]; do /bin/true; i=\$((i+1)); done'"
  "net_filtered|N|40|{S} --net=filtered true"
)

run_one() {  # workload anchor round runs shellmode command
  local json="$WORK/results/$1.$2.$3.json" runs=$4 mode=$5 cmd=$6 warm=3
  [ $QUICK = 1 ] && runs=$(( (runs + 2) / 3 ))
  [ "$runs" -lt 2 ] && runs=2
  [ "$runs" -le 3 ] && warm=1
  # firejail's parallel run takes seconds: fewer runs keep the total bounded.
  [ "$2" = firejail ] && [ "$1" = parallel ] && runs=2 && warm=0
  local flags=(--runs "$runs" --warmup "$warm" --export-json "$json" --style none)
  [ "$mode" = N ] && flags+=(-N)
  hyperfine "${flags[@]}" "$cmd" >/dev/null 2>"$WORK/results/$1.$2.$3.err" ||
    echo "bench/run.sh: $1 under $2 failed: $(tail -1 "$WORK/results/$1.$2.$3.err")" >&2
}

memory_one() {  # anchor round
  python3 "$ROOT/bench/memory.py" ${PREFIX[$1]} sleep 1 > "$WORK/results/memory.$1.$2.txt" ||
    echo "bench/run.sh: memory under $1 failed" >&2
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date -u +%s)
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  for w in "${WORKLOADS[@]}"; do
    IFS='|' read -r name mode runs template <<<"$w"
    for a in "${ANCHORS[@]}"; do
      [ "${AVAILABLE[$a]}" = 1 ] || continue
      if [ "$name" = net_filtered ]; then
        [ "$a" = sandbox ] && [ $FILTERED = 1 ] || continue
      fi
      case "$name" in *_floor) [ "$a" = bare ] || continue ;; esac  # no sandbox: the filter alone
      prefix=${PREFIX[$a]}
      cmd=${template//\{S\}/$prefix}
      cmd=${cmd# }
      printf '  %-12s %-9s\n' "$name" "$a" >&2
      run_one "$name" "$a" "$round" "$runs" "$mode" "$cmd"
    done
  done
  for a in "${ANCHORS[@]}"; do
    [ "${AVAILABLE[$a]}" = 1 ] && memory_one "$a" "$round"
  done
done
# Pipe and fd throughput, variants interleaved run by run (bench/throughput.py):
# pipe_in, fd_in and the allow-all filter's floor, 2 GiB each.
TP_VARIANTS=()
for a in "${ANCHORS[@]}"; do
  [ "${AVAILABLE[$a]}" = 1 ] && TP_VARIANTS+=("$a=${PREFIX[$a]}")
done
echo "  throughput (interleaved)" >&2
python3 "$ROOT/bench/throughput.py" --rounds $([ $QUICK = 1 ] && echo 3 || echo $((ROUNDS * 6))) \
  --input "$SHM_FILE" --floor "$WORK/bin/seccomp_allow_all" --json "$WORK/results/throughput.json" \
  "${TP_VARIANTS[@]}" > "$WORK/results/throughput.md" 2>"$WORK/results/throughput.err" ||
  echo "bench/run.sh: throughput failed: $(tail -1 "$WORK/results/throughput.err")" >&2
# Launch cost, variants interleaved launch by launch (bench/launch_cost.cc):
# single launch, back to back, 200 launches 2 at a time, and CPU per launch
# (the launched trees with their orphans, plus the kernel threads that tear
# the namespaces down). bwrap first: the ratios are to it.
# "pooled" goes through a warm pool (`sandbox --serve`, pool of 4) on a
# private XDG_RUNTIME_DIR; "sandbox" never asks it (SANDBOX_POOL=off). The
# service's pid goes to launch_cost (CPU_OF_PID): the pooled CPU row adds the
# service's own CPU and its warm sandboxes' (made, run and reaped by it).
mkdir -m 0700 "$WORK/pool-runtime"
XDG_RUNTIME_DIR=$WORK/pool-runtime "$SANDBOX_BIN" --serve --pool-size 4 --log-jobs 2>"$WORK/results/pool.log" &
POOL_SERVICE=$!
for _ in $(seq 100); do [ -S "$WORK/pool-runtime/sandbox/pool.sock" ] && break; sleep 0.05; done
LC_VARIANTS=("sandbox=SANDBOX_POOL=off $SANDBOX_BIN /usr/bin/true"
             "pooled=CPU_OF_PID=$POOL_SERVICE XDG_RUNTIME_DIR=$WORK/pool-runtime $SANDBOX_BIN /usr/bin/true"
             "bare=/usr/bin/true")
[ "${AVAILABLE[bwrap]}" = 1 ] && LC_VARIANTS=("bwrap=${PREFIX[bwrap]} /usr/bin/true" "${LC_VARIANTS[@]}")
echo "  launch cost (interleaved)" >&2
"$WORK/launch_cost" --rounds $([ $QUICK = 1 ] && echo 3 || echo $((ROUNDS * 4))) "${LC_VARIANTS[@]}" \
  > "$WORK/results/launch_cost.md" 2>"$WORK/results/launch_cost.err" ||
  echo "bench/run.sh: launch_cost failed: $(tail -1 "$WORK/results/launch_cost.err")" >&2
kill "$POOL_SERVICE"; wait "$POOL_SERVICE" 2>/dev/null
echo "(pooled row: $(grep -c ': pooled job ' "$WORK/results/pool.log") launches taken by the pool, \
$(grep -c ': cold: ' "$WORK/results/pool.log") declined and launched cold, \
$(grep -c 'warm sandboxes: the mount table changed' "$WORK/results/pool.log" || true) pool replacements because the mount table changed; \
its CPU row is the client's tree plus the service's whole tree (itself and the warm sandboxes it made, \
ran and reaped over the launches) plus the kernel threads)" \
  >> "$WORK/results/launch_cost.md"
# The per-step breakdown of one launch, from the supervisor's own clock.
for i in $(seq 1 $([ $QUICK = 1 ] && echo 7 || echo 21)); do
  "$SANDBOX_BIN" --timing true 2>>"$WORK/results/timing.txt" >/dev/null
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

python3 "$ROOT/bench/report.py" --results "$WORK/results" --out "$OUT" \
  --rounds "$ROUNDS" --quick "$QUICK" --seconds "$(( $(date -u +%s) - START ))" \
  --load "$LOAD_BEFORE" --load-after "$LOAD_AFTER" --filtered "$FILTERED" \
  --sandbox "$SANDBOX_BIN" --workdir "$WORK" \
  --prefix-bwrap "${PREFIX[bwrap]}" --prefix-firejail "${PREFIX[firejail]}" \
  --available "$(for a in "${ANCHORS[@]}"; do printf '%s=%s,' "$a" "${AVAILABLE[$a]}"; done)" \
  --notes "$ROOT/bench/NOTES.md" \
  --commands "$(printf '%s\n' "${WORKLOADS[@]}" "pipe_in|S|-|head -c 2G /dev/zero | {S} wc -c" \
    "fd_in|S|-|{S} wc -l < $SHM_FILE" "fd_in_floor|S|-|$WORK/bin/seccomp_allow_all /usr/bin/wc -l < $SHM_FILE")"
