#!/usr/bin/env bash
# The library from its install tree, as an embedder gets it: `cmake --install`
# of build/ into a fresh prefix, then examples/ built against that prefix
# (not the source tree) with find_package(sandbox) and with pkg-config, and
# both programs run as the caller and, when root, as uid 65534.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d /tmp/sandbox-example-XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
prefix="$work/prefix"
cmake --install build --prefix "$prefix" >/dev/null
test -f "$prefix/include/sandbox/sandbox.h" && test -f "$prefix/include/sandbox/version.h"
libdir=$(dirname "$(find "$prefix" -name libsandbox.a | head -1)")
test -f "$libdir/cmake/sandbox/sandboxConfig.cmake" && test -f "$libdir/pkgconfig/sandbox.pc"
test -x "$prefix/bin/sandbox" && test -f "$prefix/share/man/man1/sandbox.1"
test -f "$prefix/share/sandbox/profiles/default.toml"
# Every installed header stands alone (the public API the command line uses too:
# options.h, profile.h, report.h, registry.h), with nothing of src/ to lean on.
for header in "$prefix"/include/sandbox/*.h; do
  echo "#include <sandbox/$(basename "$header")>" |
    c++ -std=c++20 -Wall -Wextra -Werror -fsyntax-only -I"$prefix/include" -x c++ -
done
# Only the install tree: a copy of examples/, away from the sources.
cp -r "$root/examples" "$work/src"

echo "example: find_package(sandbox) from $prefix"
cmake -S "$work/src" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
echo "example: pkg-config sandbox from $libdir/pkgconfig"
PKG_CONFIG_PATH="$libdir/pkgconfig" make -s -C "$work/src" run_sandboxed
mkdir -p "$work/bin" "$work/data"
cp "$work/cmake-build/run_sandboxed" "$work/bin/with-cmake"
cp "$work/src/run_sandboxed" "$work/bin/with-pkg-config"
echo "visible-inside" > "$work/data/file"
chmod -R a+rX "$work/bin" "$work/data"

run_as() {  # run_as WHO PROGRAM
  local who=$1 program=$2 out
  if [ "$who" = 65534 ]; then
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME=/nonexistent "$program" "$work/data")
  else
    out=$("$program" "$work/data")
  fi
  echo "$out" | sed "s|^|  [$who $(basename "$program")] |"
  grep -q "^file$" <<<"$out" && grep -q "exit 0" <<<"$out"
}
for program in "$work/bin/with-cmake" "$work/bin/with-pkg-config"; do
  run_as "$(id -u)" "$program"
  if [ "$(id -u)" -eq 0 ]; then run_as 65534 "$program"; fi
done
echo "example: built from the install tree both ways and ran"
