#!/usr/bin/env bash
# What proving consent costs `alliance check`: this tree against the commit
# before consent proof existed (56fb6576), side by side in one run, with
# ratios.
#
#   scripts/bench-consent.sh              # 10,000 alliances (default)
#   N=2000 N1=200 scripts/bench-consent.sh
#   BASE=<commit> scripts/bench-consent.sh  # another baseline
#
# Builds both release binaries (the baseline from a detached worktree in a
# temporary folder, into its own target folder beside this tree's, kept for
# the next run; the worktree is removed at the end), generates three git
# repositories with scripts/generate.py and scripts/generate-consent.py:
#
#   plain     N alliances, no consent entries, one commit;
#   bulk      the same N as proposals, every one consented to by its first 2
#             or 3 parties: a commit adding them all, one commit per person
#             adding their entries to every file they are a party of (each
#             authored by that person, whose `email:` the file carries, so
#             every entry proves as `authored`), then one making them active;
#   per-file  N1 such alliances, each with its own commits (proposed, one per
#             consenting party, adopted): 4 or 5 commits a file;
#
# and prints medians, ratios, peak memory and the one-file (pre-commit) time.
# Never run from the tests: timings on a shared machine are for reading.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD
N=${N:-10000}
N1=${N1:-1000}
RUNS=${RUNS:-5}
BASE=${BASE:-56fb6576}
target=${CARGO_TARGET_DIR:-$here/target}
work=$(mktemp -d)
cleanup() {
  git -C "$here" worktree remove --force "$work/base" >/dev/null 2>&1 || true
  rm -rf "$work"
  git -C "$here" worktree prune >/dev/null 2>&1 || true
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || [ ! -x /usr/bin/time ]; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq hyperfine time >/dev/null
fi

echo "building this tree and $BASE (release)..." >&2
cargo build --release --quiet
cp "$target/release/alliance" "$work/new"
git -C "$here" worktree add --detach -q "$work/base" "$BASE"
(cd "$work/base" && CARGO_TARGET_DIR="$target/consent-baseline" cargo build --release --quiet)
cp "$target/consent-baseline/release/alliance" "$work/old"
git -C "$here" worktree remove --force "$work/base"
new=$work/new
old=$work/old

# Repositories as a team has them: pinned identities and dates, no user or
# system configuration, packed with a commit-graph (what `git gc` writes).
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
# No automatic gc in the background: the script packs each repository itself.
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=gc.auto GIT_CONFIG_VALUE_0=0
export GIT_AUTHOR_NAME=Ada GIT_AUTHOR_EMAIL=ada@example.com GIT_AUTHOR_DATE=2026-01-01T00:00:00Z
export GIT_COMMITTER_NAME=Ada GIT_COMMITTER_EMAIL=ada@example.com GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
import() { # repo: a fast-import stream on stdin
  git init -q -b main "$1"
  git -C "$1" fast-import --quiet
  git -C "$1" checkout -q main
  git -C "$1" gc -q
}
echo "generating $N alliances (plain, bulk) and $N1 (per-file)..." >&2
python3 scripts/generate.py "$N" "$work/plain"
git init -q -b main "$work/plain"
git -C "$work/plain" add -A
git -C "$work/plain" commit -q -m "add the alliances"
git -C "$work/plain" gc -q
for variant in bulk:$N per-file:$N1; do
  name=${variant%%:*} count=${variant#*:}
  python3 scripts/generate-consent.py proposals "$count" "$work/proposals-$name"
  # The digest each party agrees to, as `alliance agree` would write it.
  (cd "$work/proposals-$name" && "$new" due --today 2026-11-21 --fail-on never --format json) \
    > "$work/digests-$name.json"
  python3 scripts/generate-consent.py "$name" "$work/proposals-$name" "$work/digests-$name.json" |
    import "$work/$name"
done
one=$(cd "$work/bulk" && git ls-files | sed -n 1p)
entries=$(cd "$work/bulk" && git grep -c '^  - {handle: ' HEAD | awk -F: '{ s += $NF } END { print s }')
echo "bulk: $entries consent entries in $(git -C "$work/bulk" rev-list --count HEAD) commits;" \
  "per-file: $(git -C "$work/per-file" rev-list --count HEAD) commits" >&2

# The whole tree, every command inside the tree it reads, side by side.
cmds=() names=()
for repo in plain bulk per-file; do
  for bin in old new; do
    cmds+=("cd $work/$repo && ${!bin} check --format json >/dev/null 2>&1 || true")
    names+=("$bin $repo")
  done
done
hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$work/tree.json" "${cmds[@]}" >/dev/null
# One file, as pre-commit runs it, without a shell in between (-i: the old
# binary exits 1, reading a `v2:sha256:` digest as malformed).
(cd "$work/bulk" && hyperfine --style none -N -i --warmup 5 --runs $((RUNS * 10)) \
  --export-json "$work/one.json" "$old check $one" "$new check $one" >/dev/null 2>&1) || true

# Peak memory (max RSS, KB) and wall seconds of one run.
measure() { { /usr/bin/time -f '%M %e' "$@" 2>&1 >/dev/null || true; } | tail -1; }
memory=()
for repo in plain bulk per-file; do
  for bin in old new; do
    memory+=("$bin $repo $(cd "$work/$repo" && measure "${!bin}" check --format json)")
  done
done

commits=$(git -C "$work/per-file" rev-list --count HEAD)
python3 - "$work/tree.json" "$work/one.json" "$N" "$N1" "$BASE" "$entries" "$commits" "${memory[@]}" <<'PY'
import json, os, subprocess, sys
tree, one, n, n1, base, entries, commits = sys.argv[1:8]
n, n1, entries, commits = int(n), int(n1), int(entries), int(commits)
memory = {(b, r): (int(kb), float(s)) for b, r, kb, s in (m.split() for m in sys.argv[8:])}
names = [f"{b} {r}" for r in ("plain", "bulk", "per-file") for b in ("old", "new")]
med = {name: r["median"] for name, r in zip(names, json.load(open(tree))["results"])}
try:
    o = json.load(open(one))["results"]
    one_old, one_new = o[0]["median"], o[1]["median"]
except Exception:
    one_old = one_new = None
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
date = subprocess.run(["date", "-u", "+%Y-%m-%d"], capture_output=True, text=True).stdout.strip()
print(f"machine: {os.cpu_count()} cores, {cpu}; {date}; baseline {base}")
print()
rows = {
    "plain": f"{n:,} alliances, no consent entries (1 commit)",
    "bulk": f"{n:,} alliances, {entries:,} consent entries (17 commits)",
    "per-file": f"{n1:,} alliances, 2–3 entries each, own commits ({commits:,} commits)",
}
print(f"| `check --format json`, whole tree | before ({base}) | now | now / before | peak memory, before → now |")
print("|---|---:|---:|---:|---:|")
for repo, label in rows.items():
    a, b = med[f"old {repo}"], med[f"new {repo}"]
    ma, mb = memory[("old", repo)][0], memory[("new", repo)][0]
    print(f"| {label} | {a*1000:.1f} ms | {b*1000:.1f} ms | {b/a:.2f}× | {ma/1024:.1f} → {mb/1024:.1f} MB |")
if one_old and one_new:
    print(f"| `check FILE`, one file of the {n:,} with consent (`hyperfine -N`) | {one_old*1000:.2f} ms "
          f"| {one_new*1000:.2f} ms | {one_new/one_old:.2f}× | |")
print()
extra = med["new bulk"] - med["old bulk"] - (med["new plain"] - med["old plain"])
print(f"- attribution on {n:,} files with consent: {extra*1000:.0f} ms more than the same "
      f"binaries' difference without consent, {extra/n*1e6:.1f} µs a file")
per = med["new per-file"] - med["old per-file"]
print(f"- with a file's own commits ({n1:,} files): {per*1000:.0f} ms more, {per/n1*1e6:.1f} µs a file")
PY
