#!/usr/bin/env python3
"""Write one pathological repository of size N into DIR, for scripts/scaling.sh.

Each shape is a class of hostile input that once cost more than linear time
or memory. The same shape and N always give the same bytes.

    scripts/hostile.py SHAPE N DIR

Shapes:
  yaml-line     N YAML values in one flow sequence on one line of front matter
  excludes      N excludes on one line of .alliance.yaml
  kind-aliases  N section aliases on one line of a repository kind file
  brackets      an item of N `[` closed by one `]` at the end
  field-storm   an item of N `[k:: ` with one `]` after a line break
  nesting       N list items nested on one line (`- - - ... x`)
  html          N `<a` in an HTML block
  findings      N unknown owners on one line: N findings on that line
  yaml-list     a front-matter list of N entries, one a line
  yaml-keys     a front-matter mapping of N keys (each checked for a duplicate)
  parties       N parties and N owners on one line who are not among them
  kinds-chain   N two-line kind files, each extending the next in file order, in chains of
                32 (the depth cap) that end at team
  includes      N include globs on one line of .alliance.yaml
  pulse-rounds  N pulse rounds of two answer files, each answering 200 items
  empty         a plain valid alliance (the baseline)
"""
import datetime
import os
import sys

HEAD = """---
alliance: team
title: Hostile
parties:
  - name: Ada Lovelace
    handle: ada
  - name: Grace Hopper
    handle: grace
review:
  every: 3 months
  last: 2026-01-01
"""
SECTIONS = """# Hostile

## Purpose

We test.

## Atmosphere

Calm.

## Co-responsibility

- Ada keeps the tests.

## When it gets hard

We talk.

## Agreements

"""


def doc(extra_front="", agreements="- We start on time.\n"):
    return HEAD + extra_front + "---\n\n" + SECTIONS + agreements


def pulse_rounds(files, n, items=200):
    """A 1-1 alliance on an instrument of `items` items, answered by both
    parties in each of `n` weekly rounds."""
    files[".alliance.yaml"] = "kinds: kinds\n"
    lines = ["name: big", "title: Big", "summary: Many items.", "scale: 1-5", "items:"]
    for i in range(items):
        lines += [f"  - id: item-{i}", f"    dimension: d{i % 7}", f"    words: Item {i} holds."]
    files["kinds/big.instrument.yaml"] = "\n".join(lines) + "\n"
    files["ONE.md"] = doc("pulse:\n  instrument: big\n  every: 1 week\n")
    start = datetime.date(1980, 1, 6).toordinal()  # 2,000 weeks end before 2019
    for r in range(n):
        day = datetime.date.fromordinal(start + 7 * r)
        for who in ("ada", "grace"):
            # Scores that move: some rounds differ by a lot (ruptures, gaps).
            answers = "".join(f"  item-{i}: {1 + (i * 7 + r * 3 + len(who)) % 5}\n" for i in range(items))
            files[f"ONE.pulse/{day}/{who}.yaml"] = (
                f"rater: {who}\ndate: {day}\ninstrument: big\nanswers:\n{answers}")


def main():
    shape, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    files = {}
    if shape == "yaml-line":
        files["TEAM_ALLIANCE.md"] = doc("tags: [" + ", ".join(f"value-{i:08}-long" for i in range(n)) + "]\n")
    elif shape == "excludes":
        files[".alliance.yaml"] = "exclude: [" + ", ".join(f"skip-{i}/**" for i in range(n)) + "]\n"
        files["TEAM_ALLIANCE.md"] = doc()
    elif shape == "kind-aliases":
        files[".alliance.yaml"] = "kinds: kinds\n"
        aliases = ", ".join(f"alias {i}" for i in range(n))
        files["kinds/crew.kind.yaml"] = (
            "name: crew\nsummary: A crew\nsections:\n"
            f"  - name: Purpose\n    content: text\n    aliases: [{aliases}]\n"
        )
        files["TEAM_ALLIANCE.md"] = doc().replace("alliance: team", "alliance: crew")
    elif shape == "brackets":
        files["TEAM_ALLIANCE.md"] = doc(agreements="- We " + "[" * n + " x:: y]\n")
    elif shape == "field-storm":
        files["TEAM_ALLIANCE.md"] = doc(agreements="- We " + "[k:: " * n + "\n  go on]\n")
    elif shape == "nesting":
        files["TEAM_ALLIANCE.md"] = doc(agreements="- " * n + "x\n")
    elif shape == "html":
        files["TEAM_ALLIANCE.md"] = doc(agreements="<div>" + "<a" * n + "\n")
    elif shape == "findings":
        owners = " ".join(f"@s{i}" for i in range(n))
        files["TEAM_ALLIANCE.md"] = doc(agreements=f"- We go [owner:: {owners}]\n")
    elif shape == "yaml-list":
        files["TEAM_ALLIANCE.md"] = doc("tags:\n" + "".join(f"  - tag {i}\n" for i in range(n)))
    elif shape == "yaml-keys":
        # A mapping of n keys: each new key is checked against the others.
        files["TEAM_ALLIANCE.md"] = doc("extra:\n" + "".join(f"  key-{i}: {i}\n" for i in range(n)))
    elif shape == "parties":
        people = "".join(f"  - Person {i} <p{i}>\n" for i in range(n))
        owners = " ".join(f"@s{i}" for i in range(n))
        text = doc(agreements=f"- We go [owner:: {owners}]\n")
        files["TEAM_ALLIANCE.md"] = text.replace("parties:\n", "parties:\n" + people, 1)
    elif shape == "kinds-chain":
        files[".alliance.yaml"] = "kinds: kinds\n"
        for i in range(n):
            base = "team" if i == n - 1 or i % 32 == 31 else f"k{i + 1:05}"
            files[f"kinds/k{i:05}.kind.yaml"] = f"name: k{i:05}\nextends: {base}\n"
        files["TEAM_ALLIANCE.md"] = doc().replace("alliance: team", "alliance: k00000")
    elif shape == "includes":
        files[".alliance.yaml"] = "include: [" + ", ".join(f"docs-{i}/*.md" for i in range(n)) + "]\n"
        files["TEAM_ALLIANCE.md"] = doc()
    elif shape == "pulse-rounds":
        pulse_rounds(files, n)
    elif shape == "empty":
        files["TEAM_ALLIANCE.md"] = doc()
    else:
        sys.exit(f"unknown shape {shape}")
    for name, text in files.items():
        path = os.path.join(out, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
