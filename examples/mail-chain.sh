#!/usr/bin/env bash
# The seed's use case: a chain of real Debian mail filters over hostile
# messages, each stage in its own sandbox with only what it needs (README,
# "A mail-filter chain"). Writes one verdict line per finding to stdout.
#
#   examples/mail-chain.sh IN DB WORK      every IN/*.eml; ClamAV signatures in DB;
#                                          WORK: an empty directory for the parts
#   BARE=1 examples/mail-chain.sh ...      the same chain without sandbox, to compare
#
# SANDBOX names the binary (default: sandbox on PATH).
set -euo pipefail
in=$(realpath "$1") db=$(realpath "$2") work=$(realpath "$3")
sandbox=${SANDBOX:-sandbox}

# stage [SANDBOX OPTIONS] -- COMMAND...: one sandbox per stage; -q keeps
# sandbox's own lines out of the filter's stderr. BARE=1 drops the sandbox.
stage() {
  if [ -n "${BARE:-}" ]; then
    while [ "$1" != -- ]; do shift; done
    shift
    "$@"
  else
    "$sandbox" -q "$@"
  fi
}

# 1. spamassassin, local tests only, over all messages as one mbox on stdin.
#    It reads its rules and /etc/spamassassin; --hostname keeps the host's
#    name in the headers it stamps; -M: a scratch $HOME for its state.
for m in "$in"/*.eml; do
  printf 'From sender@example.net Mon Dec  7 00:00:00 2026\nX-Chain-Name: %s\n' "$(basename "$m")"
  sed 's/^From />From /' "$m"; echo      # mbox: a body line "From " is quoted
done |
  stage -M --ro /etc/spamassassin --hostname "$(hostname)" -- \
    spamassassin -L -x --cf='use_bayes 0' --mbox |
  awk '/^X-Chain-Name:/ && !name { name = $2 }
       /^X-Spam-Flag:/ { flag = $2 }
       /^X-Spam-Checker-Version:/ { host = $NF }
       /^From sender@example.net/ && name { print "spam " name " " (flag ? flag : "NO"); name = flag = "" }
       END { if (name) print "spam " name " " (flag ? flag : "NO"); print "spam stamped-by " host }' |
  sort

# 2. clamscan on the whole messages (it decodes MIME into its temp dir: -M
#    gives it a scratch /tmp; in a read-only /tmp it would fail open).
#    Exit status 1 means "found"; anything above is a failure.
scan=0
stage -M --ro "$db" --ro "$in" -- clamscan --no-summary --stdout -d "$db" "$in" > "$work/.scan" || scan=$?
[ "$scan" -le 1 ] || { echo "mail-chain: clamscan failed with status $scan" >&2; exit 1; }
sed "s|^$in/||" "$work/.scan" | sort | sed 's/^/virus /'

for m in "$in"/*.eml; do
  name=$(basename "$m" .eml)
  mkdir -p "$work/$name"
  # 3. ripmime: the message in, its parts out, nothing else.
  stage --ro "$m" --rw "$work/$name" -- ripmime -i "$m" -d "$work/$name" --paranoid --no-nameless -q
  for part in "$work/$name"/*; do
    [ -f "$part" ] || continue
    # 4. file: what each part really is.
    type=$(stage --ro "$part" -- file --brief --mime-type "$part")
    echo "part $name/$(basename "$part") $type"
    # 5. pdftotext: PDF parts to text, on stdout.
    if [ "$type" = application/pdf ]; then
      text=$(stage --ro "$part" -- pdftotext "$part" - | tr -s '\n\f' '  ' | sed 's/ *$//')
      echo "text $name/$(basename "$part") $text"
    fi
  done
done
