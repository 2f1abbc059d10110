#!/usr/bin/env bash
# The main job (README): installs what is missing, builds, and plays the seed
# transcript live — each command shown, then its real output — as the caller
# and, when run as root, as the unprivileged user nobody.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh >&2 || exit 1
scripts/build.sh >/dev/null || { echo "build failed" >&2; exit 1; }
stage=$(scripts/stage.sh)
export PATH="$stage:$PATH"

show() {  # show 'COMMAND LINE' — print it, then run it for real
  printf '\n\033[1m$ %s\033[0m\n' "$1"
  bash -c "$1" 2>&1
  local rc=$?
  [ $rc -eq 0 ] || printf '\033[2m[exit %d]\033[0m\n' "$rc"
}

transcript() {
  show 'sandbox cat /etc/shadow'
  show 'sandbox touch /tmp/moo.txt'
  show 'sandbox wc -l /etc/shadow'
  local secret=/etc/shadow; [ -r $secret ] || secret=/etc/passwd
  show "cat $secret | sandbox wc -l"
  show "sandbox sh -c 'echo \$SANDBOX_LABEL'"
  show "sandbox sh -c 'echo \$SANDBOX_LABEL'"
  show "exec 7</etc/passwd; sandbox sh -c 'wc -l <&7'"
  show "exec 7</etc/passwd; sandbox --fd 7 sh -c 'wc -l <&7'"
  show "sandbox -M sh -c 'echo scratch > /tmp/moo.txt && cat /tmp/moo.txt && echo home is \$HOME'"
  show 'ls /tmp/moo.txt'
  show 'sandbox ls /root'
  show "sandbox sh -c 'id; hostname; ls /proc | grep -c \"^[0-9]\"'"
  show "sandbox sh -c 'exit 7'"
  show 'sandbox no-such-command'
}

echo "== as $(id -un) (uid $(id -u))"
transcript
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
  echo
  echo "== as nobody (uid 65534), unprivileged"
  export -f show transcript
  setpriv --reuid=65534 --regid=65534 --clear-groups -- env PATH="$PATH" HOME=/nonexistent \
    bash -c transcript
fi
