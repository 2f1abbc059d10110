#!/usr/bin/env python3
"""Runs every example of README.md as written, so the README cannot drift.

    tests/readme/run-examples.py [--list] [README.md]

The convention (also at the top of README.md's "Examples" section):

* A fenced block whose info string is `console` is a transcript, and is run:
  each line starting with `$ ` is a command (a line ending in `\\` continues
  it), run by bash; the lines up to the next `$ ` are its expected output,
  standard output and error together, line by line. Numbers may differ
  (labels, counts, pids); an expected line ending in `...` matches any line
  that starts with the text before it; a line `...` alone matches any number
  of lines. A command with no lines after it must print nothing.
* Each console block runs in a fresh empty directory that is also $HOME,
  shown as `/home/me` in expected output (the runner writes /home/me where
  the commands print that directory), with the sandbox under test first on
  PATH as `sandbox` and `sandbox-examples` (this repository's examples/ and
  tests/mail/) in $EXAMPLES.
* `<!-- readme-test: setup COMMAND -->` right before a block runs COMMAND
  (bash, in that directory) first: fixtures the reader need not see.
* `<!-- readme-test: skip REASON -->` right before a block leaves it out
  (it needs sudo, a display, the network). Every other fenced block that
  holds a command line (starting with `$ `, `sandbox ` or `sudo `) is an
  error: an example that is not run is not allowed.

Exit status 0 when every example ran as written. SANDBOX names the binary.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def blocks(text):
    """(line number, info, directives, lines) for every fenced block."""
    lines = text.split("\n")
    out, directives, i = [], [], 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"\s*<!-- readme-test: (\w+) ?(.*?) -->\s*$", line)
        if m:
            directives.append((m.group(1), m.group(2)))
            i += 1
            continue
        m = re.match(r"(\s*)```(\S*)\s*$", line)
        if m:
            indent, info, start, body = m.group(1), m.group(2), i + 1, []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
                i += 1
            out.append((start, info, directives, body))
            directives = []
        elif line.strip():
            directives = []
        i += 1
    return out


def commands(body):
    """[(command, expected lines)] of a console block."""
    out, i = [], 0
    while i < len(body):
        line = body[i]
        if not line.startswith("$ "):
            raise ValueError(f"output before any command: {line!r}")
        cmd = line[2:]
        while cmd.endswith("\\") and i + 1 < len(body):
            i += 1
            cmd = cmd[:-1] + "\n" + body[i]
        i += 1
        expected = []
        while i < len(body) and not body[i].startswith("$ "):
            expected.append(body[i])
            i += 1
        out.append((cmd, expected))
    return out


def same(expected, actual):
    if expected.endswith("...") and expected != "...":
        return actual.startswith(expected[:-3])
    digits = re.compile(r"\d+")
    return digits.sub("0", expected) == digits.sub("0", actual)


def matches(expected, actual):
    """Expected lines against actual lines; `...` alone skips any lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and same(expected[0], actual[0]) and matches(expected[1:], actual[1:])


def run_block(start, directives, body, sandbox):
    work = tempfile.mkdtemp(prefix="readme-")
    os.chmod(work, 0o755)
    bindir = tempfile.mkdtemp(prefix="readme-bin-")
    os.chmod(bindir, 0o755)
    os.symlink(sandbox, os.path.join(bindir, "sandbox"))
    env = dict(os.environ, HOME=work, PATH=bindir + ":" + os.environ.get("PATH", "/usr/bin:/bin"),
               EXAMPLES=os.environ.get("EXAMPLES", ROOT), LC_ALL="C.UTF-8", TERM="dumb")
    env.pop("SANDBOX", None)
    failures = []
    try:
        for kind, arg in directives:
            if kind == "setup":
                r = subprocess.run(["bash", "-c", arg], cwd=work, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
                if r.returncode != 0:
                    return [f"README.md:{start}: setup failed ({r.returncode}): {arg}\n"
                            + r.stdout.decode(errors="replace")]
        for cmd, expected in commands(body):
            r = subprocess.run(["bash", "-c", cmd], cwd=work, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
            text = r.stdout.decode(errors="replace").replace(work, "/home/me")
            actual = text.split("\n")
            if actual and actual[-1] == "":
                actual.pop()
            while expected and expected[-1] == "":
                expected = expected[:-1]
            if not matches(expected, actual):
                failures.append(f"README.md:{start}: $ {cmd}\n  expected:\n    "
                                + "\n    ".join(expected) + "\n  got (exit " + str(r.returncode)
                                + "):\n    " + "\n    ".join(actual))
    finally:
        subprocess.run(["chmod", "-R", "u+rwX", work])
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(bindir, ignore_errors=True)
    return failures


def main():
    args = [a for a in sys.argv[1:] if a != "--list"]
    readme = args[0] if args else os.path.join(ROOT, "README.md")
    sandbox = os.path.abspath(os.environ.get("SANDBOX", os.path.join(ROOT, "build", "sandbox")))
    with open(readme, encoding="utf-8") as f:
        found = blocks(f.read())
    failures, ran, skipped = [], 0, 0
    for start, info, directives, body in found:
        if any(kind == "skip" for kind, _ in directives):
            skipped += 1
            continue
        if info != "console":
            stray = [l for l in body if re.match(r"\s*(\$ |sandbox |sudo )", l)]
            if stray:
                failures.append(f"README.md:{start}: a command in a block that is not run "
                                f"(make it a ```console block, or mark it "
                                f"<!-- readme-test: skip REASON -->): {stray[0].strip()}")
            continue
        if "--list" in sys.argv:
            for cmd, _ in commands(body):
                print(f"README.md:{start}: $ {cmd}")
            continue
        ran += 1
        failures += run_block(start, directives, body, sandbox)
    for failure in failures:
        print("FAIL " + failure)
    print(f"readme examples: {ran} blocks run, {skipped} skipped, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
