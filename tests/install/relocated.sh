#!/usr/bin/env bash
# cmake --install BUILD --prefix P into a fresh P, then P/bin/sandbox -t min
# runs (the profiles are found beside the installed binary, not through a
# compiled-in path), and the completions are where bash and zsh look.
set -euo pipefail
build=$1
prefix=$(mktemp -d /tmp/sandbox-prefix-XXXXXX)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
test -f "$prefix/share/sandbox/profiles/min.toml"
test -f "$prefix/share/bash-completion/completions/sandbox"
test -f "$prefix/share/zsh/vendor-completions/_sandbox"
test -f "$prefix/share/man/man1/sandbox.1"
out=$("$prefix/bin/sandbox" -t min sh -c 'echo $SANDBOX_LABEL')
case $out in sandbox_min_t:*) ;; *) echo "relocated: -t min printed '$out'" >&2; exit 1 ;; esac
# Moved again after the install: still found.
mv "$prefix" "$prefix.moved" && mkdir "$prefix"
trap 'rm -rf "$prefix" "$prefix.moved"' EXIT
"$prefix.moved/bin/sandbox" --print-profile web | grep -q 'type = "sandbox_web_t"'
echo "relocated install: ok"
