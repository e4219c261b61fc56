#!/usr/bin/env bash
# Run every cargo-fuzz target for SECONDS each (default 3600), seeded from
# the examples and the real agreements, and keep each corpus minimised in
# fuzz/corpus/TARGET. Prints, per target, runs and corpus size; exits 1 on
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
[ ${#targets[@]} -gt 0 ] || targets=(parse review diff render workspace)
shared=../shared/corpus/real
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

seed() {
  local dir=fuzz/corpus/$1
  mkdir -p "$dir"
  if [ -z "$(ls -A "$dir")" ]; then
    cp examples/*.md "$dir"/
    case $1 in parse|diff) [ -d "$shared" ] && cp "$shared"/*.md "$dir"/ ;; esac
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
    *) extra=(-max_len=65536) ;;
  esac
  log=$(mktemp)
  echo "== $target: ${seconds}s"
  if ! cargo fuzz run "$target" "$fresh" "$corpus" -- -max_total_time="$seconds" "${extra[@]}" >"$log" 2>&1; then
    tail -40 "$log"
    echo "== $target: FAILED (see fuzz/artifacts/$target/)"
    exit 1
  fi
  grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -1
  # Keep the smallest inputs that cover what all of them cover.
  min=$(mktemp -d)
  cargo fuzz run "$target" "$min" "$corpus" "$fresh" -- -merge=1 "${extra[@]}" >/dev/null 2>&1
  rm -rf "$corpus" && mv "$min" "$corpus" && rm -rf "$fresh"
  echo "== $target: ok, corpus $(find "$corpus" -type f | wc -l) files, $(du -sh "$corpus" | cut -f1)"
done
