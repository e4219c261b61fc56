"""Load every page of a site written by `alliance site` in a real browser
(Chromium, driven by Playwright) from file:// and fail on what a reader
would meet: a console error, a failed request or one that leaves the site's
folder, a link that does not resolve, an empty chart, a serious or critical
axe-core violation (light and dark), and HTML the Nu HTML Checker reports
as invalid.

Run by tests/it/browser.rs (`cargo test --test it browser::`), which builds
the examples' site and names the tools:

    python check_site.py SITE_DIR --chromium /usr/bin/chromium \
        --axe AXE_CORE_DIR --vnu VNU_JAR_DIR [--screenshots DIR]

With --screenshots, the index is also photographed light and dark
(DIR/site-light.png, DIR/site-dark.png: the pictures in docs/). Prints one
line per problem and exits 1 when there is any, 2 when it could not run.
"""

import argparse
import json
import pathlib
import subprocess
import sys
import urllib.parse

from playwright.sync_api import sync_playwright

# What a chart draws; an <svg> with none of these, or with all of them of
# zero size, is an empty chart.
DRAWN = "path, line, polyline, polygon, rect, circle, ellipse, text"

CHARTS = """() => Array.from(document.querySelectorAll('svg')).map((svg, i) => {
  const drawn = Array.from(svg.querySelectorAll('%s')).filter(e => {
    const box = e.getBBox();
    return box.width > 0 || box.height > 0;
  });
  return {i, label: svg.getAttribute('aria-label') || '', drawn: drawn.length};
})""" % DRAWN

LINKS = """() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"""

IDS = """() => Array.from(document.querySelectorAll('[id], a[name]')).map(e => e.id || e.name)"""


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=pathlib.Path)
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--axe", required=True, type=pathlib.Path)
    parser.add_argument("--vnu", required=True, type=pathlib.Path)
    parser.add_argument("--screenshots", type=pathlib.Path)
    return parser.parse_args()


def inside(url, root):
    """The file a file:// URL names, when it is inside the site's folder."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme != "file":
        return None
    path = pathlib.Path(urllib.parse.unquote(parsed.path)).resolve()
    return path if path == root or root in path.parents else None


def load(context, url, root, problems, name):
    """Open one page, noting console errors and requests that fail or leave."""
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(f"{name}: console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"{name}: page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"{name}: request failed: {r.url} ({r.failure})"))
    page.on("request", lambda r: inside(r.url, root) is None and problems.append(f"{name}: outside request: {r.url}"))
    page.goto(url, wait_until="load")
    return page


def check_links(page, root, name, ids_of, problems):
    for href in page.evaluate(LINKS):
        parsed = urllib.parse.urlparse(href)
        if parsed.scheme in ("http", "https", "mailto"):
            continue  # a link away that the reader chooses to follow
        target = inside(href, root)
        if target is None:
            problems.append(f"{name}: link leaves the site: {href}")
        elif not target.is_file():
            problems.append(f"{name}: link does not resolve: {href}")
        elif parsed.fragment and urllib.parse.unquote(parsed.fragment) not in ids_of(target):
            problems.append(f"{name}: no #{parsed.fragment} in {target.relative_to(root)}")


def check_charts(page, name, problems):
    for chart in page.evaluate(CHARTS):
        if chart["drawn"] == 0:
            problems.append(f"{name}: empty chart #{chart['i']} {chart['label']!r}")


def check_axe(context, url, axe_source, name, scheme, problems):
    """axe-core in a context that lets its script in (the pages' own policy
    forbids every script, rightly)."""
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    for v in result["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            problems.append(f"{name} ({scheme}): axe {v['impact']}: {v['id']}: {v['help']} at {targets}")
    page.close()


def check_html(pages, vnu_jar, root, problems):
    out = subprocess.run(
        ["java", "-jar", str(vnu_jar), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True, text=True, check=False,
    )
    try:
        messages = json.loads(out.stderr or out.stdout)["messages"]
    except (ValueError, KeyError):
        problems.append(f"vnu.jar gave no report (exit {out.returncode}): {out.stderr[:500]}")
        return
    for m in messages:
        where = inside(m.get("url", ""), root)
        name = where.relative_to(root) if where else m.get("url", "?")
        problems.append(f"{name}:{m.get('lastLine', '?')}: invalid HTML: {m.get('message')}")


def photograph(browser, root, folder):
    """The site's index (the first index.html below the top one, when the
    top one is an organisation's index), light and dark."""
    folder.mkdir(parents=True, exist_ok=True)
    indexes = sorted(root.rglob("index.html"), key=lambda p: (len(p.parts), p))
    index = indexes[1] if len(indexes) > 1 else indexes[0]
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1100, "height": 700})
        page = context.new_page()
        page.goto(index.as_uri(), wait_until="load")
        page.screenshot(path=str(folder / f"site-{scheme}.png"))
        context.close()


def main():
    args = arguments()
    root = args.site.resolve()
    pages = sorted(root.rglob("*.html"))
    if not pages:
        print(f"no pages in {root}", file=sys.stderr)
        return 2
    axe_source = (args.axe / "axe.min.js").read_text(encoding="utf-8")
    vnu_jar = args.vnu / "build" / "dist" / "vnu.jar"
    problems = []
    ids = {}

    def ids_of(path):
        if path not in ids:
            page = context.new_page()
            page.goto(path.as_uri(), wait_until="load")
            ids[path] = set(page.evaluate(IDS))
            page.close()
        return ids[path]

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium)
        context = browser.new_context()
        axe_contexts = {s: browser.new_context(bypass_csp=True, color_scheme=s) for s in ("light", "dark")}
        for path in pages:
            name = str(path.relative_to(root))
            page = load(context, path.as_uri(), root, problems, name)
            check_links(page, root, name, ids_of, problems)
            check_charts(page, name, problems)
            page.close()
            for scheme, axe_context in axe_contexts.items():
                check_axe(axe_context, path.as_uri(), axe_source, name, scheme, problems)
        if args.screenshots:
            photograph(browser, root, args.screenshots)
        browser.close()
    check_html(pages, vnu_jar, root, problems)
    for problem in problems:
        print(problem)
    print(f"{len(pages)} pages, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
