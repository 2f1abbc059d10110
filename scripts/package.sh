#!/usr/bin/env bash
# The Debian package (cpack -G DEB) of the command, profiles, man page and the
# library, built for prefix /usr in build-deb/ (the profiles are looked up in
# /usr/share/sandbox/profiles). Prints the package's path.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-deb -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
      -DSANDBOX_BUILD_TESTS=OFF >/dev/null
cmake --build build-deb -j"$(nproc)" >/dev/null
(cd build-deb && cpack -G DEB >/dev/null)
ls "$PWD"/build-deb/sandbox_*.deb
