#!/usr/bin/env bash
# Builds the profile parser's libFuzzer target with clang and runs it.
#   scripts/fuzz.sh [SECONDS]   (default 20; exits non-zero on a crash)
# The library is built in its own directory (build-fuzz) with clang,
# AddressSanitizer, UBSan and fuzzer instrumentation. The corpus lives in
# tests/fuzz/corpus/profile/; inputs found during a run go to a scratch
# copy, so the committed corpus changes only on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
out=${FUZZ_BUILD_DIR:-build-fuzz}
CXX=${FUZZ_CXX:-clang++-14}
command -v "$CXX" >/dev/null || CXX=clang++
sanitizers="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined"
cmake -S . -B "$out" -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_BUILD_TYPE=Debug -DSANDBOX_WERROR=OFF \
  -DCMAKE_CXX_FLAGS="-g -O1 $sanitizers" -DCMAKE_EXE_LINKER_FLAGS="$sanitizers" >/dev/null
cmake --build "$out" --target profile_fuzzer -j"$(nproc)" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r tests/fuzz/corpus/profile/. "$work/"
"$out/tests/profile_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
  -dict=tests/fuzz/profile.dict -print_final_stats=1 -artifact_prefix="$out/" "$work"
