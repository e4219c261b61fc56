#!/usr/bin/env bash
# Run every cargo-fuzz target for SECONDS each (default 3600), seeded from
# the examples (and, read-only, the real agreements in ../shared), and keep
# each corpus minimised in fuzz/corpus/TARGET. Prints, per target, runs and corpus size; exits 1 on
# the first crash (the input is in fuzz/artifacts/TARGET/).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# cargo-fuzz wants a nightly compiler; RUSTC_BOOTSTRAP=1 lets a stable one in.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse review diff render workspace forge kinds lsp)
shared=../shared/corpus/real
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# Seeds: our own examples only. The real agreements in ../shared are read
# as a second, read-only corpus (libFuzzer never writes to it), and what
# grows from them is not kept: the committed corpora hold no copy, whole or
# mutated, of a document that is not ours.
seed() {
  local dir=fuzz/corpus/$1
  mkdir -p "$dir"
  if [ -z "$(ls -A "$dir")" ]; then
    cp examples/*.md "$dir"/
  fi
}

for target in "${targets[@]}"; do
  seed "$target"
  corpus=$PWD/fuzz/corpus/$target
  fresh=$(mktemp -d)
  extra=()
  case $target in
    render) extra=(-max_len=4096) ;;
    workspace) extra=(-timeout=20) ;;
    # serve's reader thread is not joined (after `exit` the process ends
    # whatever the client's stream does), so its thread-local channel state
    # may still be alive when libFuzzer looks for leaks after an input.
    lsp) extra=(-timeout=20 -max_len=16384 -detect_leaks=0) ;;
    *) extra=(-max_len=65536) ;;
  esac
  log=$(mktemp)
  # New inputs land in $fresh; they are kept unless they may have grown
  # from the real agreements.
  real=()
  keep=("$fresh")
  case $target in parse|diff) [ -d "$shared" ] && real=("$PWD/$shared") && keep=() ;; esac
  echo "== $target: ${seconds}s"
  if ! cargo fuzz run "$target" "$fresh" "$corpus" "${real[@]}" -- -max_total_time="$seconds" "${extra[@]}" >"$log" 2>&1; then
    grep -E "panicked|assertion|left:|right:|ERROR" "$log" | head -20
    tail -5 "$log"
    echo "== $target: FAILED (see fuzz/artifacts/$target/)"
    exit 1
  fi
  grep -E '^#[0-9]+.*DONE' "$log" | tail -1
  # Keep the smallest inputs that cover what the examples and what grew from
  # them cover (not what grew from the real agreements: see seed).
  min=$(mktemp -d)
  cargo fuzz run "$target" "$min" "$corpus" "${keep[@]}" -- -merge=1 "${extra[@]}" >/dev/null 2>&1
  rm -rf "$corpus" && mv "$min" "$corpus" && rm -rf "$fresh"
  echo "== $target: ok, corpus $(find "$corpus" -type f | wc -l) files, $(du -sh "$corpus" | cut -f1)"
done
