#!/usr/bin/env bash
# Installs what sandbox needs to build and test, from Debian 12 packages.
# Idempotent: does nothing when everything is present. Runs apt as root or via sudo.
set -euo pipefail

BUILD_PACKAGES=(build-essential cmake pkg-config libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
                libseccomp-dev libnftables-dev libgtest-dev googletest
                slirp4netns)
TEST_PACKAGES=(util-linux python3 python3-jsonschema iproute2 nftables slirp4netns procps clang keyutils unzip
               # the mail-filter chain example (README; mail_chain_test): real Debian filters
               spamassassin ripmime clamav file poppler-utils hostname
               # the everyday programs that read /etc (tests/integration/etc_test.cc)
               nodejs git python3-venv bash)
# -X at run time (--x11), and the X tools its tests use, Xvfb standing in for the desktop.
X11_PACKAGES=(xserver-xephyr xauth matchbox-window-manager)
X11_TEST_PACKAGES=(xvfb x11-apps x11-utils xdotool imagemagick
                   # real desktop programs (issue 18): two terminals, a window manager, an
                   # image viewer, a GTK dialog
                   xterm rxvt-unicode openbox feh yad)
# sandbox-oci's tests (tests/oci/): the callers (podman, containerd), the
# runtimes compared against, a busybox image built locally, runc's bats suite.
OCI_PACKAGES=(podman runc crun containerd uidmap busybox-static bats gawk jq dpkg-dev)

want=("${BUILD_PACKAGES[@]}")
[ "${1:-}" = "--tests" ] && want+=("${TEST_PACKAGES[@]}" "${X11_PACKAGES[@]}" "${X11_TEST_PACKAGES[@]}"
                                  "${OCI_PACKAGES[@]}")
[ "${1:-}" = "--oci" ] && want+=("${OCI_PACKAGES[@]}")
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
# clamav pulls in clamav-freshclam, whose postinst would fetch signatures
# from the Internet (freshclam) and start a daemon: the tests make their own
# tiny database and nothing may be downloaded. "manual" updates, and while
# installing, a policy-rc.d that lets no service start (unless the machine
# has its own).
echo "clamav-freshclam clamav-freshclam/autoupdate_freshclam select manual" | $SUDO debconf-set-selections
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod 755 "$policy"
  trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# ... nor at the next boot.
if dpkg-query -W clamav-freshclam >/dev/null 2>&1 && command -v deb-systemd-helper >/dev/null; then
  $SUDO deb-systemd-helper disable clamav-freshclam.service >/dev/null 2>&1 || true
fi
