"""The README's run command on the shipped example, and its review page in a real browser.

The browser checks run headless Chromium (Debian's ``chromium`` package; skipped with a reason
where no binary is found): a small harness script added to a copy of the page counts edits and
flagged spans through the DOM, clicks the filters, presses n/p/j/k, and writes what it saw into the
DOM, which ``chromium --dump-dom`` returns; any script error or console.error is reported too.
"""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from unmangle.cli import main
from unmangle.edits import Edit

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "seeds" / "examples" / "mangled_news.txt"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def readme_run_command() -> list[str]:
    """The README's run command: the first line of a bash block that runs ``unmangle repair``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if line.startswith("unmangle repair"):
                return shlex.split(line)
    raise AssertionError("README has no `unmangle repair` command in a bash block")


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    """The README command run in a folder that holds nothing but the shipped example."""
    argv = readme_run_command()
    assert argv[:2] == ["unmangle", "repair"] and "--html" in argv
    where = tmp_path_factory.mktemp("fresh")
    example = where / "seeds" / "examples" / EXAMPLE.name
    example.parent.mkdir(parents=True)
    shutil.copy(EXAMPLE, example)
    json_out = where / "edits.json"
    cwd = os.getcwd()
    os.chdir(where)
    try:
        assert main(argv[1:]) == 0
        assert main([*argv[1:argv.index("--html")], *argv[argv.index("--html") + 2:], "--json",
                     "-o", str(json_out)]) == 0
    finally:
        os.chdir(cwd)
    report = where / argv[argv.index("--html") + 1]
    data = json.loads(json_out.read_text(encoding="utf-8"))
    edits = [Edit(**e) for e in data["edits"]]
    return report, example.read_text(encoding="utf-8"), data["text"], edits


def test_readme_command_runs_on_the_shipped_example(seed_run):
    report, original, repaired, edits = seed_run
    page = report.read_text(encoding="utf-8")
    assert page.count('data-kind="edit"') == len(edits) >= 14
    stages = {part for e in edits for part in e.stage.split("+")}
    assert {"normalize", "boilerplate", "duplicates", "lexicon", "capitals"} <= stages
    # every difference left between the repair and the clean version is flagged in the report
    clean = (EXAMPLE.parent / "mangled_news.clean.txt").read_text(encoding="utf-8")
    left = [(a, b) for a, b in zip(repaired.split(), clean.split()) if a != b]
    assert len(repaired.split()) == len(clean.split()) and 1 <= len(left) <= 3
    flagged = re.findall(r'data-kind="flag"[^>]*>([^<]*)<', page)
    assert sorted(a for a, _ in left) == sorted(flagged)


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(page: Path, *extra: str, timeout: float = 90) -> subprocess.CompletedProcess:
    binary = find_chromium()
    if binary is None:
        pytest.skip("no Chromium binary found (looked for " + ", ".join(CHROMIUM_NAMES) +
                    "); install Debian's 'chromium' package to run the browser checks")
    args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-extensions", "--disable-dev-shm-usage", f"--user-data-dir={page.parent / 'profile'}",
            *extra, page.as_uri()]
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


CATCH_ERRORS = """<script>
window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push("error: " + e.message); });
window.addEventListener("securitypolicyviolation", function (e) { window.__errors.push("csp: " + e.violatedDirective); });
(function () { var original = console.error; console.error = function () {
  window.__errors.push("console.error: " + Array.prototype.join.call(arguments, " "));
  return original.apply(console, arguments); }; })();
</script>"""

HARNESS = """<script>
(function () {
  var out = {};
  function items() { return Array.prototype.slice.call(document.querySelectorAll("#doc .item")); }
  function press(key) { document.dispatchEvent(new KeyboardEvent("keydown", {key: key, bubbles: true})); }
  function active() { return items().indexOf(document.activeElement); }
  function shown(el) { return el.getClientRects().length > 0 && getComputedStyle(el).display !== "none"; }
  var all = items();
  out.edits = all.filter(function (el) { return el.dataset.kind === "edit"; }).map(function (el) {
    var del = el.querySelector("del"), ins = el.querySelector("ins");
    return {stage: el.dataset.stage, shown: shown(el),
            del: del ? del.textContent : "", ins: ins ? ins.textContent : ""}; });
  out.flags = all.filter(function (el) { return el.dataset.kind === "flag"; }).map(function (el) {
    return {text: el.firstChild.textContent, shown: shown(el), score: el.dataset.score}; });
  var tip = all[0].querySelector(".tip");
  out.tipHiddenBefore = getComputedStyle(tip).display === "none";
  // keyboard navigation: n/j forward, p/k back, wrapping at both ends
  press("n"); out.afterN = active();
  out.tipShownOnFocus = getComputedStyle(tip).display !== "none";
  press("j"); out.afterNJ = active();
  press("p"); out.afterNJP = active();
  press("k"); out.afterNJPK = active();
  out.count = all.length;
  // filter: switch the first stage off
  var box = document.querySelector('input[data-filter="s0"]');
  out.filteredStage = box.parentNode.textContent.trim().split(" ")[0];
  box.click();
  out.offAfterFilter = all.filter(function (el) { return el.classList.contains("off"); }).map(function (el) {
    return el.dataset.stage || "flag"; });
  out.delHiddenWhenOff = all.filter(function (el) { return el.classList.contains("off"); }).every(function (el) {
    var del = el.querySelector("del"); return !del || getComputedStyle(del).display === "none"; });
  document.activeElement.blur();
  var visited = [];
  for (var i = 0; i < all.length; i++) { press("n"); visited.push([active(), document.activeElement.dataset.stage || "flag"]); }
  out.visitedWhileFiltered = visited;
  out.status = document.getElementById("nav-status").textContent;
  box.click();
  out.offAfterUnfilter = all.filter(function (el) { return el.classList.contains("off"); }).length;
  var flagsBox = document.querySelector('input[data-filter="flags"]');
  flagsBox.click();
  out.offAfterFlagsFilter = all.filter(function (el) { return el.classList.contains("off"); }).map(function (el) {
    return el.dataset.kind; });
  flagsBox.click();
  out.errors = window.__errors;
  var pre = document.createElement("pre");
  pre.id = "harness-result";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


@pytest.fixture(scope="module")
def browser_view(seed_run, tmp_path_factory):
    report, original, repaired, edits = seed_run
    page = report.read_text(encoding="utf-8")
    page = page.replace("<head>", "<head>\n" + CATCH_ERRORS, 1).replace("</body>", HARNESS + "\n</body>", 1)
    where = tmp_path_factory.mktemp("browser")
    harness_page = where / "report_under_test.html"
    harness_page.write_text(page, encoding="utf-8")
    proc = run_chromium(harness_page, "--dump-dom", "--virtual-time-budget=5000")
    found = re.search(r'<pre id="harness-result">(.*?)</pre>', proc.stdout, re.S)
    assert found, f"no harness result; chromium said: {proc.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1))), seed_run


def test_browser_shows_every_edit_and_flag(browser_view):
    seen, (report, original, repaired, edits) = browser_view
    assert seen["errors"] == []
    assert len(seen["edits"]) == len(edits)
    assert all(e["shown"] for e in seen["edits"])
    assert [e["stage"] for e in seen["edits"]] == [e.stage for e in sorted(edits, key=lambda e: e.start)]
    for shown, edit in zip(seen["edits"], sorted(edits, key=lambda e: e.start)):
        assert shown["ins"] == edit.new or not edit.new.strip()
        assert shown["del"] == edit.old or not edit.old.strip()
    page = report.read_text(encoding="utf-8")
    expected_flags = len(re.findall(r'data-kind="flag"', page))
    assert len(seen["flags"]) == expected_flags >= 1
    assert all(f["shown"] for f in seen["flags"])


def test_browser_keyboard_navigation(browser_view):
    seen, _ = browser_view
    assert seen["tipHiddenBefore"] and seen["tipShownOnFocus"]
    assert (seen["afterN"], seen["afterNJ"], seen["afterNJP"]) == (0, 1, 0)
    assert seen["afterNJPK"] == seen["count"] - 1  # back from the first wraps to the last


def test_browser_filters(browser_view):
    seen, (report, original, repaired, edits) = browser_view
    stage = seen["filteredStage"]
    off = seen["offAfterFilter"]
    assert off and all(stage in s.split("+") for s in off)
    assert len(off) == sum(1 for e in edits if stage in e.stage.split("+"))
    assert seen["delHiddenWhenOff"]
    visited = seen["visitedWhileFiltered"]
    assert len({i for i, _ in visited}) == seen["count"] - len(off)  # every shown item once a round
    assert not any(stage in s.split("+") for _, s in visited)  # and none that is filtered out
    assert seen["status"].startswith("Item ")
    assert seen["offAfterUnfilter"] == 0
    assert seen["offAfterFlagsFilter"] == ["flag"] * len(seen["flags"])
