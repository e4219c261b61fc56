#!/usr/bin/env python3
"""The language server's speed, measured, never asserted.

    python3 scripts/bench-lsp.py [BINARY] [--runs N]

BINARY defaults to target/release/alliance. In one run, side by side:

- start-up: spawning `alliance lsp` to its answer to `initialize`
  (target: 20 ms or less), against spawning `alliance --version`;
- one keystroke in a 2,000-line team alliance: `didChange` to the
  diagnostics of that version (target: 10 ms or less), against
  `alliance check --format json` on the same file, a process per run;
- one keystroke in a pulse answer file of the coaching example (its
  alliance and every round read from disk again, as `check` reads them),
  against `alliance check --format json` on that alliance.

Prints medians, 90th percentiles and the ratios. The alliance is made in
a temporary repository that is removed afterwards.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TODAY = "2026-11-22"


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream):
    length = None
    while True:
        line = stream.readline()
        if not line:
            raise SystemExit("alliance lsp closed its output")
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


class Server:
    def __init__(self, binary, cwd):
        env = {"PATH": os.environ.get("PATH", ""), "ALLIANCE_TODAY": TODAY, "HOME": cwd}
        self.process = subprocess.Popen(
            [binary, "lsp"], cwd=cwd, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )

    def send(self, message):
        self.process.stdin.write(frame(message))
        self.process.stdin.flush()

    def wait_for(self, wanted):
        while True:
            message = read_message(self.process.stdout)
            if wanted(message):
                return message

    def initialize(self):
        self.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
        self.wait_for(lambda m: m.get("id") == 1)
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def stop(self):
        self.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
        self.wait_for(lambda m: m.get("id") == 2)
        self.send({"jsonrpc": "2.0", "method": "exit", "params": None})
        self.process.wait(timeout=30)


def team_alliance(lines):
    head = (
        "---\nalliance: team\ntitle: Big team\nstatus: active\nparties:\n"
        "  - name: Ada\n    handle: ada\n  - name: Grace\n    handle: grace\n"
        "created: 2026-01-12\nreview:\n  every: quarterly\n  last: 2026-10-01\n---\n\n# Big team\n\n"
        "## Purpose\n\nWe keep the lights on.\n\n## Atmosphere\n\nCalm.\n\n"
        "## Co-responsibility\n\n- Ada keeps the plan. [owner:: @ada]\n\n## When it gets hard\n\nWe talk.\n\n"
        "## Agreements\n\n"
    )
    items = []
    n = 0
    while len((head + "".join(items)).splitlines()) < lines:
        n += 1
        review = f" [review:: 2027-{1 + n % 12:02d}-15]" if n % 7 == 0 else ""
        owner = " [owner:: @grace]" if n % 5 == 0 else ""
        items.append(f"- Agreement number {n}: we answer within a day.{owner}{review}\n")
    return head + "".join(items)


def coaching(root):
    """Copy the coaching example and its pulse rounds into `root`; the
    newest round's answer file of jordan, with a note to type into."""
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")
    shutil.copy(os.path.join(here, "working-alliance-coaching.md"), root)
    shutil.copytree(os.path.join(here, "working-alliance-coaching.pulse"),
                    os.path.join(root, "working-alliance-coaching.pulse"))
    rounds = sorted(os.listdir(os.path.join(root, "working-alliance-coaching.pulse")))
    answers = os.path.join(root, "working-alliance-coaching.pulse", rounds[-1], "jordan.yaml")
    with open(answers) as f:
        text = f.read()
    if "\nnote:" not in text:
        with open(answers, "a") as f:
            f.write("note: fine\n")
    return answers


def median_p90(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[int(len(samples) * 0.9) - 1]


def ms(seconds):
    return f"{seconds * 1000:7.2f} ms"


def startup(binary, root, runs):
    server, version = [], []
    for _ in range(runs):
        started = time.perf_counter()
        s = Server(binary, root)
        s.initialize()
        server.append(time.perf_counter() - started)
        s.stop()
        started = time.perf_counter()
        subprocess.run([binary, "--version"], stdout=subprocess.DEVNULL, check=True)
        version.append(time.perf_counter() - started)
    return server, version


def keystrokes(binary, root, path, text, runs, at_text="we answer within a day.", checked=None):
    uri = "file://" + path
    s = Server(binary, root)
    s.initialize()
    document = {"uri": uri, "languageId": "markdown", "version": 1, "text": text}
    s.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": document}})
    s.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics")
    typed, cli = [], []
    at = text.index(at_text)
    for version in range(2, runs + 2):
        text = text[:at] + "x" + text[at:]
        change = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}
        started = time.perf_counter()
        s.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": change})
        s.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                   and m["params"].get("version") == version)
        typed.append(time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run([binary, "check", "--format", "json", checked or path], cwd=root,
                       env={"PATH": os.environ.get("PATH", ""), "ALLIANCE_TODAY": TODAY},
                       stdout=subprocess.DEVNULL, check=False)
        cli.append(time.perf_counter() - started)
    s.stop()
    return typed, cli


def main():
    args = sys.argv[1:]
    runs = 30
    if "--runs" in args:
        at = args.index("--runs")
        runs = int(args[at + 1])
        del args[at:at + 2]
    binary = os.path.abspath(args[0] if args else "target/release/alliance")
    with tempfile.TemporaryDirectory() as root:
        os.mkdir(os.path.join(root, ".git"))
        path = os.path.join(root, "TEAM_ALLIANCE.md")
        text = team_alliance(2000)
        with open(path, "w") as f:
            f.write(text)
        print(f"{binary}, {runs} runs, a {len(text.splitlines())}-line alliance ({len(text)} bytes)")
        server, version = startup(binary, root, runs)
        (s_med, s_p90), (v_med, _) = median_p90(server), median_p90(version)
        print(f"start-up to initialize: median {ms(s_med)}  p90 {ms(s_p90)}  (target 20 ms)")
        print(f"  alliance --version:   median {ms(v_med)}  ratio {s_med / v_med:.2f}")
        typed, cli = keystrokes(binary, root, path, text, runs)
        (t_med, t_p90), (c_med, _) = median_p90(typed), median_p90(cli)
        print(f"one keystroke:          median {ms(t_med)}  p90 {ms(t_p90)}  (target 10 ms)")
        print(f"  check --format json:  median {ms(c_med)}  ratio {t_med / c_med:.2f}")
        answers = coaching(root)
        with open(answers) as f:
            answer_text = f.read()
        typed, cli = keystrokes(binary, root, answers, answer_text, runs, "\nnote:",
                                os.path.join(root, "working-alliance-coaching.md"))
        (t_med, t_p90), (c_med, _) = median_p90(typed), median_p90(cli)
        print(f"one keystroke, answers: median {ms(t_med)}  p90 {ms(t_p90)}")
        print(f"  check the alliance:   median {ms(c_med)}  ratio {t_med / c_med:.2f}")


if __name__ == "__main__":
    main()
