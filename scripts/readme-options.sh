#!/usr/bin/env bash
# Regenerates the options section of README.md from the option table, as
# `sandbox --help` prints it (src/policy/options.cc is the one source), so the
# README cannot drift from the command line.
#
#   scripts/readme-options.sh [SANDBOX_BINARY]     (default: build/sandbox)
#
# Rewrites the lines between <!-- options:begin --> and <!-- options:end -->.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/sandbox}
[ -x "$bin" ] || { echo "readme-options: no binary at $bin (build first)" >&2; exit 1; }

table=$("$bin" --help | awk '
  function row(names, help) {
    if (sub(/ \.\.\.$/, "", names)) help = help " Repeatable."
    gsub(/,/, ", ", names)
    gsub(/\|/, "\\|", help)
    gsub(/\|/, "\\|", names)
    if (group != last) { printf "\n**%s**\n\n| option | what it does |\n|---|---|\n", group; last = group }
    printf "| `%s` | %s |\n", names, help
  }
  /^[A-Z][A-Za-z ]*:$/ { group = substr($0, 1, length($0) - 1); next }
  /^Exit status/ { exit }
  pending != "" { h = $0; sub(/^ +/, "", h); row(pending, h); pending = ""; next }
  group != "" && /^  -/ {                  # CLI11: names in columns 3-29, help from 31
    if (length($0) <= 30 || substr($0, 30, 1) != " ") { pending = substr($0, 3); sub(/ +$/, "", pending); next }
    names = substr($0, 3, 28); sub(/ +$/, "", names)
    row(names, substr($0, 31))
  }')

awk -v table="$table" '
  /<!-- options:begin -->/ { print; print table; print ""; skip = 1; next }
  /<!-- options:end -->/ { skip = 0 }
  !skip { print }
' README.md > README.md.new
mv README.md.new README.md
echo "readme-options: README.md options section regenerated from $bin --help" >&2
