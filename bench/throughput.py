#!/usr/bin/env python3
"""bench/throughput.py — pipe and fd throughput, the variants interleaved run by run.

    bench/throughput.py --rounds N --input FILE --floor ALLOW_ALL [--json OUT] NAME=PREFIX...

NAME=PREFIX: a variant and the words put before the command ('bare=' for none).
Each round runs every workload once per variant, in an order rotated each
round, so that the machine's drift (other load, frequency, page cache) hits
every variant alike; hyperfine's per-anchor blocks cannot give that.

Workloads, timed from the first fork to the last exit (the launch included):
  pipe_in      head -c 2G /dev/zero | PREFIX wc -c
  fd_in        PREFIX wc -l < FILE
  fd_in_floor  ALLOW_ALL /usr/bin/wc -l < FILE   (no sandbox: a 1-instruction
               allow-all seccomp filter, the cost of any filter; bare only)

fd_in runs --fd-repeat times per round (default 3). Prints a Markdown table: medians, each variant's time over bare's (ratio of
medians), and the median of the per-round ratios with their spread.
"""
import argparse
import json
import shlex
import statistics
import subprocess
import sys
import time

PIPE_BYTES = "2G"


def run_pipe(prefix):
    start = time.perf_counter()
    head = subprocess.Popen(["head", "-c", PIPE_BYTES, "/dev/zero"], stdout=subprocess.PIPE)
    reader = subprocess.Popen(prefix + ["wc", "-c"], stdin=head.stdout, stdout=subprocess.PIPE)
    head.stdout.close()
    out, _ = reader.communicate()
    head.wait()
    elapsed = time.perf_counter() - start
    if reader.returncode != 0 or out.split()[0] != b"2147483648":
        raise RuntimeError(f"pipe_in under {prefix or 'bare'} failed: status {reader.returncode}, {out!r}")
    return elapsed


def run_fd(argv, path, expected):
    with open(path, "rb") as source:
        start = time.perf_counter()
        done = subprocess.run(argv, stdin=source, stdout=subprocess.PIPE)
        elapsed = time.perf_counter() - start
    if done.returncode != 0 or int(done.stdout.split()[0]) != expected:
        raise RuntimeError(f"fd_in as {' '.join(argv)} failed: status {done.returncode}, {done.stdout!r}")
    return elapsed


def quartiles(values):
    if len(values) < 2:
        return values[0], values[0]
    q = statistics.quantiles(values, n=4)
    return q[0], q[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--input", required=True, help="the file for fd_in (newline bytes)")
    parser.add_argument("--floor", required=True, help="bench/seccomp_allow_all, built")
    parser.add_argument("--fd-repeat", type=int, default=3,
                        help="fd_in runs per round for each variant (it is 3-4 times shorter than pipe_in)")
    parser.add_argument("--json", help="also write the medians and ratios here")
    parser.add_argument("variants", nargs="+", metavar="NAME=PREFIX")
    a = parser.parse_args()

    variants = {}
    for word in a.variants:
        name, _, prefix = word.partition("=")
        variants[name] = shlex.split(prefix)
    if "bare" not in variants:
        sys.exit("bench/throughput.py: a variant named bare is needed (bare=)")
    with open(a.input, "rb") as f:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))

    jobs = []  # (workload, variant, thunk)
    for name, prefix in variants.items():
        jobs.append(("pipe_in", name, lambda p=prefix: run_pipe(p)))
        jobs.append(("fd_in", name, lambda p=prefix: run_fd(p + ["wc", "-l"], a.input, lines)))
    jobs.append(("fd_in_floor", "bare", lambda: run_fd([a.floor, "/usr/bin/wc", "-l"], a.input, lines)))
    times = {(w, v): [] for w, v, _ in jobs}
    for workload in ("pipe_in", "fd_in"):  # one unmeasured run each: page cache and binaries warm
        for w, v, thunk in jobs:
            if w.startswith(workload):
                thunk()
    for r in range(a.rounds):
        for workload, repeat in (("pipe_in", 1), ("fd_in", a.fd_repeat)):
            group = [j for j in jobs if j[0].startswith(workload)]
            for k in range(repeat):
                shift = (r * repeat + k) % len(group)
                for w, v, thunk in group[shift:] + group[:shift]:
                    times[(w, v)].append(thunk())
        print(f"  throughput round {r + 1}/{a.rounds}", file=sys.stderr)

    result = {}
    rows = ["| workload | variant | median | time × bare (ratio of medians) | "
            "per-round time × bare: median [IQR] | throughput × bare |",
            "|---|---|---:|---:|---:|---:|"]
    order = {"pipe_in": 0, "fd_in": 1, "fd_in_floor": 2}
    for (w, v), values in sorted(times.items(), key=lambda item: order[item[0][0]]):
        base_key = ("fd_in" if w == "fd_in_floor" else w, "bare")
        med = statistics.median(values)
        base = statistics.median(times[base_key])
        paired = [x / y for x, y in zip(values, times[base_key])]
        low, high = quartiles(paired)
        shown = "bare + allow-all filter" if w == "fd_in_floor" else v
        rows.append(f"| {w} | {shown} | {med * 1000:.0f} ms | ×{med / base:.3f} | "
                    f"×{statistics.median(paired):.3f} [{low:.3f}–{high:.3f}] | ×{base / med:.3f} |")
        result[f"{w}.{v}"] = {"median_s": med, "time_ratio": med / base,
                              "paired_ratio": statistics.median(paired), "runs": len(values)}
    print("\n".join(rows))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rounds": a.rounds, "results": result}, f, indent=1)


if __name__ == "__main__":
    main()
