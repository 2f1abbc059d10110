#!/usr/bin/env bash
# The allowed include edges between the folders of src/ (DESIGN §11): each
# layer uses only those below it.
#
#   cli, oci, lean                             clients          (5)
#   x11, report, registry, explain, serve      features         (4)
#   policy, supervisor (include/sandbox/)      public API       (3)
#   launch                                                      (2)
#   fs net landlock seccomp cgroup limits
#   scratch init caps handover label pool      facilities       (1)
#   util                                                        (0)
#
# A folder may include its own headers, the public headers (sandbox/...) and
# those of folders of a lower layer; facilities may include each other as
# long as no two include each other (no cycle). Clients include nothing of
# src/ but their own folder: they are clients of the public API. The public
# headers include only public headers. Exits 1 naming each
# forbidden edge.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A layer=(
  [cli]=5 [oci]=5 [lean]=5
  [x11]=4 [report]=4 [registry]=4 [explain]=4 [serve]=4
  [policy]=3 [supervisor]=3
  [launch]=2
  [fs]=1 [net]=1 [landlock]=1 [seccomp]=1 [cgroup]=1 [limits]=1 [scratch]=1 [init]=1 [caps]=1 [handover]=1 [label]=1 [pool]=1
  [util]=0
)
# "from -> to" edges allowed against the layers, each a departure written in
# docs/DESIGN-DEPARTURES.md with its reason.
allowed_exceptions=(
  # sandbox-oci builds the OCI launch (create waits at the exec point, the
  # container outlives the command) on the facilities, not on spawn().
  "oci -> cgroup/hierarchy.h" "oci -> cgroup/leaf.h" "oci -> landlock/ruleset.h"
  "oci -> label/label.h" "oci -> label/protocol.h"
  "oci -> seccomp/cache.h" "oci -> seccomp/filter.h" "oci -> util/sys.h" "oci -> util/unique_fd.h"
  # The warm pool's lean client runs before glibc (src/lean/client.cc): it
  # cannot link the library, only share its constants and wire structs.
  "lean -> pool/wire.h" "lean -> launch/step.h" "lean -> cli/explain_hint.h" "lean -> init/reaper.h"
)

status=0
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for file in src/*/*.h src/*/*.cc; do
  from=$(basename "$(dirname "$file")")
  if [ -z "${layer[$from]+x}" ]; then
    echo "check-includes: $file: folder '$from' has no layer in scripts/check-includes.sh"; status=1; continue
  fi
  while IFS= read -r header; do
    to=${header%%/*}
    [ "$to" = "$header" ] && continue          # a header without a folder: not ours
    [ "$to" = "$from" ] && continue
    [ "$to" = "sandbox" ] && continue          # the public headers (include/sandbox/)
    [ "$to" = "generated" ] && continue
    if [ -z "${layer[$to]+x}" ]; then continue; fi  # a system or third-party header
    excepted=0
    for exception in "${allowed_exceptions[@]}"; do
      [ "$exception" = "$from -> $header" ] && excepted=1
    done
    [ $excepted -eq 1 ] && continue
    if [ "${layer[$from]}" -eq 5 ]; then
      echo "check-includes: $file includes \"$header\": a client uses only include/sandbox/"; status=1
    elif [ "${layer[$to]}" -gt "${layer[$from]}" ]; then
      echo "check-includes: $file includes \"$header\": $from (layer ${layer[$from]}) may not use $to (layer ${layer[$to]})"
      status=1
    elif [ "${layer[$to]}" -eq "${layer[$from]}" ]; then
      echo "$from $to" >> "$edges"
      if [ "${layer[$from]}" -ne 1 ]; then
        echo "check-includes: $file includes \"$header\": $from and $to are on the same layer"; status=1
      fi
    fi
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
done
# Facilities may use each other, but not both ways (nor in a longer cycle).
if [ -s "$edges" ]; then
  if ! sort -u "$edges" | tsort >/dev/null 2>&1; then
    echo "check-includes: the facilities include each other in a cycle:"
    sort -u "$edges" | tsort 2>&1 >/dev/null | sed 's/^/  /'
    status=1
  fi
fi
# The public headers stand alone.
for file in include/sandbox/*.h; do
  while IFS= read -r header; do
    case "$header" in sandbox/*) ;; *) echo "check-includes: $file includes \"$header\": public headers include only sandbox/"; status=1 ;; esac
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
done
[ $status -eq 0 ] && echo "check-includes: every include edge follows the layers of DESIGN §11"
exit $status
