#!/usr/bin/env bash
# Installs what sandbox needs to build and test, from Debian 12 packages.
# Idempotent: does nothing when everything is present. Runs apt as root or via sudo.
set -euo pipefail

BUILD_PACKAGES=(build-essential cmake pkg-config libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
                libseccomp-dev libnftables-dev libgtest-dev googletest
                slirp4netns)
# nodejs, git, python3-venv, bash: the everyday programs that read /etc (tests/integration/etc_test.cc).
TEST_PACKAGES=(util-linux python3 python3-jsonschema iproute2 nftables slirp4netns procps clang keyutils
               nodejs git python3-venv bash)
# -X at run time (--x11), and the X tools its tests use, Xvfb standing in for the desktop.
X11_PACKAGES=(xserver-xephyr xauth matchbox-window-manager)
X11_TEST_PACKAGES=(xvfb x11-apps x11-utils xdotool imagemagick)

want=("${BUILD_PACKAGES[@]}")
[ "${1:-}" = "--tests" ] && want+=("${TEST_PACKAGES[@]}" "${X11_PACKAGES[@]}" "${X11_TEST_PACKAGES[@]}")
[ "${1:-}" = "--x11" ] && want+=("${X11_PACKAGES[@]}")
[ "${1:-}" = "--bench" ] && want+=(hyperfine bubblewrap firejail)

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
