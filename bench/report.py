#!/usr/bin/env python3
"""Turns the results of bench/run.sh into a table (stdout) and BENCHMARKS.md."""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import statistics
import subprocess

ANCHORS = ["bare", "sandbox", "bwrap", "firejail"]

# name: (description, target) — target: (baseline, max ratio of medians) or None.
WORKLOADS = {
    "true": ("start-up: `S true`", ("bwrap", 0.50)),
    "sh_true": ("start-up: `S /bin/sh -c true`", None),
    "parallel": ("parallel: 200 × `S true`, 2 at a time", ("bwrap", 0.50)),
    "pipe_in": ("pipe in: `head -c 2G /dev/zero | S wc -c`", ("bare", 1 / 0.97)),
    "fd_in": ("fd in: `S wc -l < 2 GiB file on /dev/shm`", ("bare", 1 / 0.97)),
    "fd_in_floor": ("fd in: the same under a 1-instruction allow-all seccomp filter, no sandbox "
                    "(bare column)", None),
    "getppid": ("syscalls: 5000000 getppid()", ("bare", 1.10)),
    "getppid_floor": ("syscalls: the same under a 1-instruction allow-all seccomp filter, no sandbox "
                      "(bare column)", None),
    "find_usr": ("metadata: `S sh -c 'find /usr -type f | wc -l'`", None),
    "fork_exec": ("fork+exec: 500 × /bin/true inside one sandbox", ("bare", 1.05)),
    "net_filtered": ("start-up: `S --net=filtered true`", None),
}
MEMORY_TARGET_KIB = 1024


def load_times(results, name, anchor):
    times = []
    for path in glob.glob(os.path.join(results, f"{name}.{anchor}.*.json")):
        with open(path) as f:
            data = json.load(f)
        for r in data.get("results", []):
            times.extend(r.get("times", []))
    return times


def fmt_time(seconds):
    if seconds is None:
        return "n/a"
    ms = seconds * 1000
    if ms < 10:
        return f"{ms:.2f} ms"
    if ms < 100:
        return f"{ms:.1f} ms"
    return f"{ms:.0f} ms"


def fmt_ratio(a, b):
    return f"×{a / b:.2f}" if a is not None and b else "n/a"


def load_memory(results, anchor):
    rows = []
    for path in sorted(glob.glob(os.path.join(results, f"memory.{anchor}.*.txt"))):
        with open(path) as f:
            text = f.read().strip()
        if text:
            rows.append(dict((k, int(v)) for k, v in (kv.split("=") for kv in text.split())))
    if not rows:
        return None
    return {k: statistics.median(r[k] for r in rows) for k in rows[0]}


def load_timing(results):
    path = os.path.join(results, "timing.txt")
    if not os.path.exists(path):
        return [], 0
    order, values, runs = [], {}, 0
    with open(path) as f:
        for line in f:
            if line.startswith("sandbox: --timing"):
                runs += 1
                continue
            m = re.match(r"^\s+(\S+)\s+(.+?)\s+(-?\d+)$", line.rstrip("\n"))
            if not m:
                continue
            key = (m.group(1), m.group(2))
            if key not in values:
                order.append(key)
                values[key] = []
            values[key].append(int(m.group(3)))
    return [(who, what, statistics.median(values[(who, what)]), len(values[(who, what)]))
            for who, what in order], runs


def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    distro = ""
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    distro = line.split("=", 1)[1].strip().strip('"')
    return (f"{distro}, kernel {platform.release()}, {cpu}, {os.cpu_count()} CPUs, "
            f"{mem_kib // 1024 // 1024} GiB RAM, uid {os.geteuid()}")


def versions(sandbox):
    out = []
    for cmd in (["hyperfine", "--version"], ["bwrap", "--version"], ["firejail", "--version"]):
        try:
            text = subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout
            out.append(text.splitlines()[0].strip())
        except (OSError, IndexError, subprocess.TimeoutExpired):
            out.append(f"{cmd[0]}: not available")
    try:
        commit = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)),
                                 "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        out.append(f"sandbox at commit {commit} ({sandbox})")
    except OSError:
        pass
    return out


def main():
    p = argparse.ArgumentParser()
    for opt in ("results", "out", "rounds", "quick", "seconds", "load", "load-after", "filtered",
                "sandbox", "workdir", "prefix-bwrap", "prefix-firejail", "available", "notes",
                "commands"):
        p.add_argument("--" + opt, default="")
    a = p.parse_args()
    available = dict(kv.split("=") for kv in a.available.strip(",").split(",") if kv)

    medians = {}
    counts = {}
    for name in WORKLOADS:
        for anchor in ANCHORS:
            times = load_times(a.results, name, anchor)
            medians[(name, anchor)] = statistics.median(times) if times else None
            counts[(name, anchor)] = len(times)
    # The throughput rows come from bench/throughput.py, variants interleaved run by run.
    throughput_path = os.path.join(a.results, "throughput.json")
    if os.path.exists(throughput_path):
        with open(throughput_path) as f:
            for key, r in json.load(f)["results"].items():
                name, anchor = key.split(".")
                medians[(name, anchor)] = r["median_s"]
                counts[(name, anchor)] = r["runs"]

    lines = []
    lines.append("| workload | " + " | ".join(ANCHORS) + " |")
    lines.append("|---|" + "---:|" * len(ANCHORS))
    for name, (desc, _) in WORKLOADS.items():
        cells = []
        for anchor in ANCHORS:
            m = medians[(name, anchor)]
            if name == "net_filtered" and anchor == "sandbox" and a.filtered != "1":
                cells.append("n/a (not built)")
            elif name == "net_filtered" and anchor != "sandbox":
                cells.append("—")
            elif name.endswith("_floor") and anchor != "bare":
                cells.append("—")
            else:
                cells.append(fmt_time(m))
        lines.append(f"| {desc} | " + " | ".join(cells) + " |")
    median_table = "\n".join(lines)

    lines = ["| workload | " + " | ".join(ANCHORS) + " |", "|---|" + "---:|" * len(ANCHORS)]
    for name, (desc, _) in WORKLOADS.items():
        ref = {"net_filtered": "true", "getppid_floor": "getppid", "fd_in_floor": "fd_in"}.get(name, name)
        bare, bwrap = medians[(ref, "bare")], medians[(ref, "bwrap")]
        cells = []
        for anchor in ANCHORS:
            m = medians[(name, anchor)]
            cells.append(f"{fmt_ratio(m, bare)} / {fmt_ratio(m, bwrap)}" if m else "n/a")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    ratio_table = "\n".join(lines)

    lines = ["| target | measured | met |", "|---|---:|:---:|"]
    for name, (desc, target) in WORKLOADS.items():
        if not target:
            continue
        base, limit = target
        m, b = medians[(name, "sandbox")], medians[(name, base)]
        if m is None or b is None:
            lines.append(f"| {name}: sandbox ≤ {limit:.2f}× {base} | n/a | n/a |")
            continue
        ratio = m / b
        label = (f"throughput ≥ 0.97× bare (time ≤ {limit:.3f}×)" if name in ("pipe_in", "fd_in")
                 else f"≤ {limit:.2f}× {base}")
        floor, bare_time = medians.get((name + "_floor", "bare")), medians[(name, "bare")]
        if floor and bare_time:
            label += f" (any seccomp filter: ×{floor / bare_time:.3f})"
        lines.append(f"| {name}: {label} | ×{ratio:.3f} | {'yes' if ratio <= limit else 'NO'} |")
    mem = {anchor: load_memory(a.results, anchor) for anchor in ANCHORS}
    sm = mem.get("sandbox")
    if sm:
        lines.append(f"| supervisor + init RSS for `S sleep 1` ≤ 1 MiB | {sm['rss_kib']:.0f} KiB | "
                     f"{'yes' if sm['rss_kib'] <= MEMORY_TARGET_KIB else 'NO'} |")
    target_table = "\n".join(lines)

    lines = ["| figure | " + " | ".join(ANCHORS) + " |", "|---|" + "---:|" * len(ANCHORS)]
    for key, label in (("processes", "processes besides the payload"),
                       ("rss_kib", "their RSS, summed (KiB)"),
                       ("anon_kib", "of which anonymous, RssAnon (KiB)"),
                       ("file_kib", "of which file pages, RssFile (KiB)"),
                       ("pss_kib", "their PSS, summed (KiB)"),
                       ("top_rss_kib", "RSS of the process started (KiB)"),
                       ("top_hwm_kib", "its peak RSS, VmHWM (KiB)")):
        cells = [f"{mem[x][key]:.0f}" if mem.get(x) else "n/a" for x in ANCHORS]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    memory_table = "\n".join(lines)

    throughput_md = os.path.join(a.results, "throughput.md")
    throughput = open(throughput_md).read().strip() if os.path.exists(throughput_md) else "n/a"

    launch_cost_path = os.path.join(a.results, "launch_cost.md")
    launch_cost = open(launch_cost_path).read().strip() if os.path.exists(launch_cost_path) else "n/a"

    steps, timing_runs = load_timing(a.results)
    lines = ["| process | step | median µs |", "|---|---|---:|"]
    for who, what, med, _ in steps:
        lines.append(f"| {who} | {what} | {med:.0f} |")
    timing_table = "\n".join(lines)

    print("Median wall time (lower is better); n/a = anchor not available\n")
    print(median_table)
    print("\nRatio of medians: ×bare / ×bwrap\n")
    print(ratio_table)
    print("\nTargets\n")
    print(target_table)
    print("\nMemory for `S sleep 1`\n")
    print(memory_table)
    print("\nPipe and fd throughput, interleaved (bench/throughput.py)\n")
    print(throughput)
    print("\nLaunch cost, interleaved (bench/launch_cost)\n")
    print(launch_cost)
    print(f"\nsandbox --timing true, median of {timing_runs} launches\n")
    print(timing_table)

    if not a.out:
        return
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    runs = ", ".join(f"{n}: {counts[(n, 'sandbox')]}" for n in WORKLOADS if counts[(n, "sandbox")])
    notes = ""
    if a.notes and os.path.exists(a.notes):
        with open(a.notes) as f:
            notes = f.read()
    commands = "\n".join(f"    {c.split('|', 3)[0]:<13} {c.split('|', 3)[3]}"
                         for c in a.commands.splitlines() if c)
    doc = f"""# BENCHMARKS — `sandbox` against bubblewrap, firejail and no sandbox

Generated by `bench/run.sh` (do not edit by hand: edit `bench/NOTES.md`, which is copied below).

## How to run

    scripts/setup-deps.sh --bench   # hyperfine, bubblewrap, firejail (Debian packages)
    bench/run.sh                    # Release build into build-bench/, 3 rounds, writes BENCHMARKS.md
    bench/run.sh --quick            # 1 short round, prints the table only
    sandbox --timing COMMAND        # µs per launch step of one run, on stderr

CI does not run benchmarks, and no test asserts a time: these figures are measurements.

## This run

- date: {now}; {a.rounds} round(s){' (quick)' if a.quick == '1' else ''}, {a.seconds} s in all
- machine: {machine()}
- load average (1/5/15 min) before: {a.load}; after: {a.load_after}
- {'; '.join(versions(a.sandbox))}
- runs pooled per workload (sandbox column): {runs}
- method: hyperfine per workload and anchor (`-N` where there is no shell; pipelines run through
  `sh -c`, hyperfine subtracts the shell's own start-up), every anchor in every round, medians
  over the pooled runs; ratios are ratios of medians of this run only. The throughput rows
  (pipe_in, fd_in, fd_in_floor) come from `bench/throughput.py` instead, which interleaves the
  anchors run by run (section below): a 1–2 % effect cannot be told from drift between
  hyperfine's per-anchor blocks.

## Median wall time

{median_table}

## Ratio of medians: ×bare / ×bwrap

{ratio_table}

## Targets (issues 7 and 15)

{target_table}

## Memory for `S sleep 1` (KiB, from /proc/PID/status while the payload runs)

{memory_table}

## Pipe and fd throughput, variants interleaved run by run (`bench/throughput.py`)

Every round runs each workload once per anchor in a rotated order, timed from the first fork
to the last exit (the launch included: about 1.5 % of fd_in). `fd_in_floor` is bare `wc` under
a 1-instruction allow-all seccomp filter: the cost of having any filter at all (every system
call takes the kernel's slow entry path), which no sandbox with seccomp can go under. The
per-round column divides each run by the bare run of the same round.

{throughput}

## Launch cost, variants interleaved launch by launch (`bench/launch_cost.cc`)

`S /usr/bin/true`; each round runs every variant in a rotated order. Single: one launch after a
5 ms idle gap. Back to back: 50 launches in a row. 2 at a time: 200 launches, two running at
once. CPU per launch: 30 launches, then the CPU of every process of the launched trees
(orphans included: the harness is a child subreaper) plus the kernel threads' CPU over that
time (the kworkers that tear the network namespaces down; machine-wide, so other load on the
machine inflates it for every variant alike). The pooled row's CPU adds the warm pool service's
share (`CPU_OF_PID`: the service and the warm sandboxes it made, ran and reaped over 150 launches,
read once the pool had refilled and gone quiet). Ratios are medians over bwrap's.

{launch_cost}

## Where a launch spends its time: `sandbox --timing true`, median of {timing_runs} launches

Wall time per step (so a step that waited for a CPU looks long). Supervisor lines are
consecutive intervals from `spawn()`; init and command lines run from the previous stamp of the
same process (init's first from just before `clone3`, so it holds the namespace creation; the
command's first from init's vfork); init's own seccomp filter is loaded while the command
already runs. The `after` line runs from the last stamp to the supervisor seeing init exit
(exec of the payload, its run and exit, init's exit and the namespaces' teardown); `of which
after the status` is the part after init reported the status (every other process gone), which
`sandbox` no longer waits for without `--timing` (DESIGN §14), and `spawn() to the status` is
the launch as the caller sees it.

{timing_table}

## Anchors and commands

`S` is replaced by the anchor's prefix (`$WORK` is a scratch directory holding the payloads):

- bare: (nothing)
- sandbox: `{a.sandbox}` (default profile)
- bwrap: `{a.prefix_bwrap.replace(a.workdir, '$WORK')}`
- firejail: `{a.prefix_firejail.replace(a.workdir, '$WORK')}`

Workloads (name, command):

{commands.replace(a.workdir, '$WORK')}

{notes}"""
    with open(a.out, "w") as f:
        f.write(doc)
    print(f"\nwrote {a.out}")


if __name__ == "__main__":
    main()
