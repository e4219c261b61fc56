#!/usr/bin/env bash
# The README's five-minute tour: builds a lab's repository with four years of
# history (a rename from .md to .qmd included) in a temporary folder, then runs
# the commands the README shows (adopt, check, agree, log, review, due, and diff
# on a pull request's branch) and prints what they print; tests/it/readme.rs holds
# the README to it. Usage: scripts/walkthrough.sh [ALLIANCE_BINARY]
set -euo pipefail
A="${1:-$(cd "$(dirname "$0")/.." && pwd)/target/debug/alliance}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cd "$dir"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 ALLIANCE_TODAY=2026-11-22
# Ada commits under her forge's no-reply address, which names her handle:
# that is what proves a consent entry she commits as hers (authored).
export GIT_AUTHOR_NAME="Ada Lovelace" GIT_AUTHOR_EMAIL=1001+ada@users.noreply.github.com
export GIT_COMMITTER_NAME="Ada Lovelace" GIT_COMMITTER_EMAIL=1001+ada@users.noreply.github.com
commit() { GIT_AUTHOR_DATE="$1" GIT_COMMITTER_DATE="$1" git commit -qam "$2"; }
show() { printf '$ %s\n' "$*"; }
agreement() {
  cat <<EOF
---
title: "Lab working agreement"
format: html
---

# Lab working agreement

## Values

- We assume good intent and ask before we judge.
$1
## Process

- Code is reviewed by one other person before it merges.
- Lab meeting is on Tuesdays$2
EOF
}
git init -q -b main
agreement "" "." > working_agreement.md
git add . && commit 2021-03-01T10:00:00Z "Working agreement, first draft"
agreement "- Credit is shared generously.
" "; we rotate who presents." > working_agreement.md
commit 2023-09-14T10:00:00Z "Credit and rotating presenters"
git mv working_agreement.md working_agreement.qmd
commit 2025-01-20T10:00:00Z "Move to Quarto"

show alliance adopt working_agreement.qmd --new-kind lab --merge --party '"Ada Lovelace <ada>"' --party '"Grace Hopper <grace>"'
"$A" adopt working_agreement.qmd --new-kind lab --merge --party "Ada Lovelace <ada>" --party "Grace Hopper <grace>"
show git add -A '&&' git commit -qm '"Adopt the agreement as a lab alliance"'
git add -A && commit 2026-11-22T10:00:00Z "Adopt the agreement as a lab alliance"
show alliance check
"$A" check
show alliance agree --as ada
"$A" agree --as ada
show git commit -qam '"Ada agrees"'
commit 2026-11-22T10:05:00Z "Ada agrees"
show alliance agree --as grace
"$A" agree --as grace 2>&1
show '# ...Grace records her own consent instead, on her machine...'
git checkout -q -- working_agreement.qmd
show alliance agree --as grace
GIT_AUTHOR_NAME="Grace Hopper" GIT_AUTHOR_EMAIL=2002+grace@users.noreply.github.com "$A" agree --as grace 2>&1
show git commit -qam '"Grace agrees"'
GIT_AUTHOR_NAME="Grace Hopper" GIT_AUTHOR_EMAIL=2002+grace@users.noreply.github.com commit 2026-11-22T10:10:00Z "Grace agrees"
show alliance check
"$A" check
show alliance log
"$A" log
show alliance review --note '"Kept all"' --win '"First paper out"'
"$A" review --note "Kept all" --win "First paper out"
show git commit -qam '"November review"'
commit 2026-11-22T11:00:00Z "November review"
show '# ...three months later, in the weekly CI run...'
show alliance due --today 2027-03-01
# Exit 1 (a review is overdue) is the point of this step, not a failure of the script.
"$A" due --today 2027-03-01 || [ $? -eq 1 ]
show git switch -qc two-day-reviews
git switch -qc two-day-reviews
sed -i 's/- Code is reviewed by one other person before it merges./- Code is reviewed by one other person within two working days./; s/- Credit is shared generously./- Credit is shared generously.\n- We say when we are stuck, early./' working_agreement.qmd
show '# ...edit one agreement, add another, commit, open a pull request...'
commit 2027-03-01T10:00:00Z "Reviews within two working days"
show alliance diff --base main
"$A" diff --base main
