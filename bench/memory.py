#!/usr/bin/env python3
"""Resident memory of a sandbox's own processes while its program runs.

    memory.py PREFIX... sleep 1

Starts the command, waits until a `sleep` process appears in its process tree
and, half a second later, reads /proc/PID/status of every process of the tree except the payload
(the supervisor, init, monitors) and prints one line:

    processes=N rss_kib=SUM anon_kib=A file_kib=F pss_kib=P top_rss_kib=R top_hwm_kib=H

(sums over those processes; anon = RssAnon, file = RssFile: pages of the
binaries and libraries, shared with the page cache and every other process
mapping them; pss = proportional set size; top = the process we started). For a bare `sleep 1` the tree is the payload
alone: processes=0. Polling is fine here: this is a measuring tool, not the
product.
"""
import os
import subprocess
import sys
import time


def children_map():
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # comm may contain spaces: ppid is the second field after the last ')'.
        rest = stat[stat.rindex(")") + 2:].split()
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        kids.setdefault(int(rest[1]), []).append((int(entry), comm))
    return kids


def tree(root):
    kids = children_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        for child, comm in kids.get(pid, []):
            out.append((child, comm))
            todo.append(child)
    return out


def status(pid):
    values = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                    values[key] = int(value.split()[0])
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key == "Pss":
                    values[key] = int(value.split()[0])
    except OSError:
        pass
    return values


def main():
    argv = sys.argv[1:]
    if not argv:
        sys.exit("usage: memory.py COMMAND...")
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 5
        own = None
        while time.monotonic() < deadline:
            procs = [(proc.pid, os.path.basename(argv[0]))] + tree(proc.pid)
            if any(comm == "sleep" for _, comm in procs):
                if argv[0] == "sleep":
                    own = []
                else:
                    own = [(p, c) for p, c in procs if c != "sleep"]
                break
            time.sleep(0.005)
        if own is None:
            sys.exit("memory.py: the payload never appeared")
        # Halfway through `sleep 1`: what a sandbox holds while its program
        # runs. The supervisor and init give back their code pages after
        # 100 ms (src/util/resident.h); top_hwm_kib keeps the peak before.
        time.sleep(0.5)
        each = [status(p) for p, _ in own]
        total = {k: sum(s.get(k, 0) for s in each) for k in ("VmRSS", "RssAnon", "RssFile", "Pss")}
        top = status(proc.pid) if own else {}
        print(f"processes={len(own)} rss_kib={total['VmRSS']} anon_kib={total['RssAnon']} "
              f"file_kib={total['RssFile']} pss_kib={total['Pss']} "
              f"top_rss_kib={top.get('VmRSS', 0)} top_hwm_kib={top.get('VmHWM', 0)}")
    finally:
        proc.wait()


if __name__ == "__main__":
    main()
