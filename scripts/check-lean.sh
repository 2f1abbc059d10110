#!/usr/bin/env bash
# The warm pool's lean client (src/lean/client.cc) runs at the ELF entry
# point, before glibc has relocated the static PIE, applied its IFUNCs or
# set up TLS. Its object file must therefore:
#   - call nothing outside itself but _start (where it hands over): no libc
#     function, not even a memcpy/memset the compiler emitted for a copy;
#   - hold no relocation that needs the dynamic relocation pass (absolute
#     addresses, GOT entries): PC-relative ones only;
#   - read no stack-protector canary (%fs:0x28, TLS).
# Usage: check-lean.sh OBJECT...   Exits 1 naming each breach.
set -euo pipefail
status=0
for object in "$@"; do
  undefined=$(nm -u "$object" | awk '{print $2}' | grep -vx '_start' || true)
  if [ -n "$undefined" ]; then
    echo "check-lean: $object calls outside itself: $(echo $undefined)"; status=1
  fi
  # Relocations of the sections loaded at run time (debug info is not).
  relocations=$(readelf -rW "$object" | awk '
      /^Relocation section/ { loaded = ($3 !~ /debug/) ; section = $3; next }
      loaded && /^[0-9a-f]+ / && $3 != "R_X86_64_PC32" && $3 != "R_X86_64_PLT32" { print section ": " $3 " " $5 }' |
      sort -u || true)
  if [ -n "$relocations" ]; then
    echo "check-lean: $object needs relocations:"; echo "$relocations" | sed 's/^/  /' | head -20; status=1
  fi
  if objdump -d "$object" | grep -q '%fs:'; then
    echo "check-lean: $object reads thread-local storage (a stack protector?)"; status=1
  fi
done
[ $status -eq 0 ] && echo "check-lean: $# object(s) freestanding"
exit $status
