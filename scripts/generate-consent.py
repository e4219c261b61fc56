#!/usr/bin/env python3
"""Git histories of alliances whose parties record consent, for
scripts/bench-consent.sh. Deterministic: the same arguments give the same
commits, ids included.

    scripts/generate-consent.py proposals N DIR
        N alliances from scripts/generate.py's documents (same seed), each a
        proposal whose parties carry an `email:` (HANDLE@example.com).

    scripts/generate-consent.py bulk DIR DIGESTS > stream
    scripts/generate-consent.py per-file DIR DIGESTS > stream
        A `git fast-import` stream of the proposals in DIR consented to by
        their first two or three parties, each entry committed by its party
        (author HANDLE@example.com, so the entry proves as `authored`), with
        the digest DIGESTS (`alliance due --format json`) gives for the file.

        bulk: one commit adding every file, then one commit per person
        adding their entry to every file they are a party of, then one
        commit making every alliance active (17 commits in all).
        per-file: each file has its own commits: one adding it, one per
        consenting party, one making it active (4 or 5 commits a file).
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402  (the documents scripts/bench.sh times)
import random  # noqa: E402

EPOCH = 1767225600  # 2026-01-01T00:00:00Z
DAY = 86400


def proposals(count, folder):
    rng = random.Random(7)
    for i in range(count):
        kind, text = generate.document(i, rng)
        nl = "\r\n" if "\r\n" in text else "\n"
        lines = text.split(nl)
        out = []
        for line in lines:
            if line.startswith("status: "):
                line = "status: proposed"
            out.append(line)
            m = re.match(r"^    handle: (\S+)$", line)
            if m:
                out.append(f"    email: {m.group(1)}@example.com")
        sub = os.path.join(folder, f"team-{i // 100:03d}")
        os.makedirs(sub, exist_ok=True)
        name = f"{kind.upper().replace('-', '_')}_ALLIANCE_{i:05d}.md"
        with open(os.path.join(sub, name), "w", newline="") as f:
            f.write(nl.join(out))


def read_tree(folder, digests):
    """(path, text, newline, consenting handles, digest) of every file."""
    by_path = {}
    for p in json.load(open(digests))["proposals"]:
        by_path[os.path.normpath(p["path"])] = p["digest"]
    files = []
    for sub in sorted(os.listdir(folder)):
        for name in sorted(os.listdir(os.path.join(folder, sub))):
            path = f"{sub}/{name}"
            with open(os.path.join(folder, path), newline="") as f:
                text = f.read()
            digest = by_path.get(path)
            if digest is None:
                continue  # a file `due` cannot read as a proposal
            handles = re.findall(r"^    handle: (\S+)\r?$", text, re.M)
            consenting = handles[:3]
            nl = "\r\n" if "\r\n" in text else "\n"
            files.append((path, text, nl, consenting, digest))
    return files


def version(text, nl, entries, active=False):
    """The text with `entries` (handle, date, digest) as its consent list."""
    lines = text.split(nl)
    at = next(i for i, line in enumerate(lines) if line.startswith("status: "))
    if active:
        lines[at] = "status: active"
    block = []
    if entries:
        block.append("consent:")
        block += [f"  - {{handle: {h}, date: {d}, digest: {g}}}" for h, d, g in entries]
    return nl.join(lines[: at + 1] + block + lines[at + 1 :])


class Stream:
    def __init__(self):
        self.mark = 0
        self.out = sys.stdout.buffer

    def commit(self, handle, when, message, files):
        self.mark += 1
        who = f"{handle.capitalize()} <{handle}@example.com> {when} +0000"
        w = self.out.write
        w(f"commit refs/heads/main\nmark :{self.mark}\nauthor {who}\ncommitter {who}\n".encode())
        msg = message.encode()
        w(b"data %d\n%s\n" % (len(msg), msg))
        if self.mark > 1:
            w(f"from :{self.mark - 1}\n".encode())
        for path, text in files:
            data = text.encode()
            w(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
        w(b"\n")


def day(when):
    return f"2026-{1 + (when - EPOCH) // DAY // 28 % 12:02d}-{1 + (when - EPOCH) // DAY % 28:02d}"


def bulk(files):
    s = Stream()
    when = EPOCH
    s.commit("ada", when, "add the alliances as proposals", [(p, t) for p, t, *_ in files])
    people = sorted({h for *_, hs, _ in files for h in hs})
    entries = {p: [] for p, *_ in files}
    for person in people:
        when += DAY
        touched = []
        for path, text, nl, handles, digest in files:
            if person in handles:
                entries[path].append((person, day(when), digest))
                touched.append((path, version(text, nl, entries[path])))
        s.commit(person, when, f"{person} agrees", touched)
    when += DAY
    s.commit("ada", when, "adopt the alliances",
             [(p, version(t, nl, entries[p], active=True)) for p, t, nl, *_ in files])


def per_file(files):
    s = Stream()
    when = EPOCH
    for path, text, nl, handles, digest in files:
        when += 3600
        s.commit(handles[0], when, f"propose {path}", [(path, text)])
        entries = []
        for person in handles:
            when += 3600
            entries.append((person, day(when), digest))
            s.commit(person, when, f"{person} agrees to {path}", [(path, version(text, nl, entries))])
        when += 3600
        s.commit(handles[0], when, f"adopt {path}", [(path, version(text, nl, entries, active=True))])


def main():
    mode = sys.argv[1]
    if mode == "proposals":
        proposals(int(sys.argv[2]), sys.argv[3])
    elif mode in ("bulk", "per-file"):
        files = read_tree(sys.argv[2], sys.argv[3])
        (bulk if mode == "bulk" else per_file)(files)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
