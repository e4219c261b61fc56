#!/usr/bin/env bash
# Builds tests/cmd/rules/A076-consent-unproven.in: a team alliance whose
# history holds Ada's own consent commit and a commit by Mallory that adds
# Grace's consent for her. The repository's git folder is kept as
# `repo.git` (a case names it with GIT_DIR), so the fixture is plain files.
# Usage: scripts/fixture-a076.sh [ALLIANCE_BINARY]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
A="${1:-$root/target/debug/alliance}"
out="$root/tests/cmd/rules/A076-consent-unproven.in"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cd "$dir"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 TZ=UTC
as() { # NAME EMAIL DATE MESSAGE
  GIT_AUTHOR_NAME="$1" GIT_AUTHOR_EMAIL="$2" GIT_COMMITTER_NAME="$1" GIT_COMMITTER_EMAIL="$2" \
    GIT_AUTHOR_DATE="$3" GIT_COMMITTER_DATE="$3" git commit -qam "$4"
}
git init -q -b main
cat > TEAM_ALLIANCE.md <<'DOC'
---
alliance: team
title: Test team
parties:
  - name: Ada Lovelace
    handle: ada
    email: ada@example.com
  - name: Grace Hopper
    handle: grace
    email: grace@example.com
status: proposed
review:
  every: 3 months
---

# Test team

## Purpose

We keep the lights on.

## Atmosphere

Calm and curious.

## Co-responsibility

- Ada keeps the plan. [owner:: @ada]

## Agreements

- We start on time. [id:: on-time]

## When it gets hard

We talk it through.
DOC
git add -A
as "Ada Lovelace" ada@example.com 2026-11-01T10:00:00Z "Propose the alliance"
GIT_AUTHOR_EMAIL=ada@example.com "$A" agree --as ada --date 2026-11-02 >/dev/null
as "Ada Lovelace" ada@example.com 2026-11-02T10:00:00Z "Ada agrees"
GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=mallory@example.com "$A" agree --as grace --date 2026-11-03 >/dev/null 2>&1
sed -i 's/^status: proposed$/status: active/' TEAM_ALLIANCE.md
as Mallory mallory@example.com 2026-11-03T10:00:00Z "Grace agrees (says Mallory)"
rm -rf "$out"
mkdir -p "$out"
cp TEAM_ALLIANCE.md "$out/"
git repack -adq && git prune
cp -r .git "$out/repo.git"
git --git-dir="$out/repo.git" config core.worktree ..
rm -rf "$out/repo.git/hooks" "$out/repo.git/logs" "$out/repo.git/index" "$out/repo.git/info" \
  "$out/repo.git/description" "$out/repo.git/COMMIT_EDITMSG" "$out/repo.git/branches"
