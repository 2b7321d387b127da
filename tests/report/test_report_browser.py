"""Every kind of HTML report opens in real headless Chromium at 1280 px: no console errors,
no request leaving the page, nothing wider than the page, every chart drawn with its text as
text, and a screenshot that is not blank.

Chromium is driven over the Chrome DevTools Protocol with a small websocket client: console
messages, uncaught exceptions, log entries and every network request of the page are
recorded while it loads. The report kinds are a list (:data:`KINDS`): a new kind of report
is one more entry, with the command that makes it and the charts it must show. A control
page breaks every check on purpose, and each check must catch it (so a pass is not a blind
pass).
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib import image as mpimg
from typer.testing import CliRunner

from sim.cli import app
from sim.fit.synthetic import write_synthetic
from sim.pipeline import SerialExecutor
from sim.scenario import load_scenario, with_overrides
from sim.sweep import build_sweep, grid, run_sweep

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo.toml"
PROGRAM = ROOT / "scenarios" / "programs" / "cahoots_like.toml"
FAST = ["--days", "9", "--replications", "2"]
WIDTH = 1280  # a laptop screen: nothing may be wider than the page at this width
runner = CliRunner()

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is absent: /usr/bin/chromium (.ci/run installs it with apt-get)",
)


class Page:
    """One Chromium tab over CDP: navigate, evaluate, screenshot, and what the page did."""

    def __init__(self, ws_url: str) -> None:
        import websocket  # websocket-client, a test dependency

        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  width=WIDTH, height=1400, deviceScaleFactor=1, mobile=False)  # fmt: skip

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its reply, keeping the events that arrive meanwhile."""
        n = next(self.ids)
        self.ws.send(json.dumps({"id": n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == n:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            if time.monotonic() > end:
                raise TimeoutError(method)
            self.events.append(json.loads(self.ws.recv()))

    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        self.call("Runtime.evaluate", expression="1", awaitPromise=True)  # flush late events

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]  # fmt: skip

    def errors(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions and error log entries."""
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p["type"] in ("error", "warning", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
            elif m == "Runtime.exceptionThrown":
                out.append(p["exceptionDetails"].get("text", "exception"))
            elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                out.append(f"{p['entry']['source']}: {p['entry']['text']}")
        return out

    def screenshot(self) -> np.ndarray:
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        return mpimg.imread(io.BytesIO(base64.b64decode(data["data"])), format="png")


# --------------------------------------------------------------------------- the checks
# Each returns what is wrong with the open page (empty: nothing). The control page below
# must make every one of them complain.


def console_errors(page: Page, url: str, charts: list[str]) -> list[str]:
    return page.errors()


def outside_requests(page: Page, url: str, charts: list[str]) -> list[str]:
    return [u for u in page.requests() if u != url and not u.startswith("data:")]


OVERFLOW = """JSON.stringify((() => {
  const out = [];
  const root = document.documentElement;
  const width = root.clientWidth;  // the page less any scroll bar
  if (root.scrollWidth > width) out.push('page ' + root.scrollWidth);
  for (const el of document.querySelectorAll('table, figure, svg, .table-wrap, p, ul, h1, h2')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 0.5) out.push(el.tagName + ' right edge ' + Math.round(r.right));
    const scrolls = el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0;
    if (scrolls) out.push(el.tagName + ' scrolls');
  }
  return out;
})())"""


def horizontal_overflow(page: Page, url: str, charts: list[str]) -> list[str]:
    """Anything wider than the page (or than its own box, scrolling sideways) at 1280 px."""
    return list(json.loads(page.evaluate(OVERFLOW)))


DRAWN = (
    "JSON.stringify(Array.from(document.querySelectorAll('figure.chart')).map(f => {"
    " const s = f.querySelector('svg'); const r = s ? s.getBoundingClientRect() : null;"
    " const texts = s ? Array.from(s.querySelectorAll('text')).map(t => t.textContent) : [];"
    " return [f.id, r ? r.width : 0, r ? r.height : 0,"
    "         s ? s.querySelectorAll('path').length : 0, texts.join(' ')];"
    "}))"
)


def charts_with_text(page: Page, url: str, charts: list[str]) -> list[str]:
    """Every expected chart is there, drawn, with its words as SVG text (not paths)."""
    found = {cid: rest for cid, *rest in json.loads(page.evaluate(DRAWN))}
    out = [f"missing chart-{c}" for c in charts if f"chart-{c}" not in found]
    out += [f"unexpected {cid}" for cid in found if cid.removeprefix("chart-") not in charts]
    for cid, (w, h, paths, text) in found.items():
        if not (w > 300 and h > 100 and paths > 5):
            out.append(f"{cid} not drawn ({w:.0f}×{h:.0f}, {paths} paths)")
        if len(text.strip()) < 10:
            out.append(f"{cid} has no text in its SVG")
    return out


CHECKS: list[Callable[[Page, str, list[str]], list[str]]] = [
    console_errors, outside_requests, horizontal_overflow, charts_with_text,
]  # fmt: skip


# ------------------------------------------------------------------------- the reports


def invoke(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


def _run(out: Path) -> Path:
    invoke("report", str(DEMO), *FAST, "-o", str(out / "run.html"))
    return out / "run.html"


def _summary(out: Path) -> Path:
    invoke("run", str(DEMO), *FAST, "--json", str(out / "run.json"))
    invoke("report", str(out / "run.json"), "-o", str(out / "summary.html"))
    return out / "summary.html"


def _compare(out: Path) -> Path:
    cities = [str(p) for p in sorted((ROOT / "scenarios" / "cities").glob("*.toml"))]
    invoke("compare", str(DEMO), *cities, "--program", str(PROGRAM), "--days", "4",
           "--replications", "2", "--json", str(out / "c.json"))  # fmt: skip
    invoke("report", str(out / "c.json"), "-o", str(out / "compare.html"))
    return out / "compare.html"


def _sweep(out: Path) -> Path:
    scn = with_overrides(load_scenario(DEMO), {"scenario.days": 4, "scenario.replications": 2})
    sweep = build_sweep(scn, grid([("teams.community.shifts.0.units", [1, 2, 3])]))
    run_sweep(sweep, SerialExecutor(), out=out / "sweep.json")
    invoke("report", str(out / "sweep.json"), "-o", str(out / "sweep.html"))
    return out / "sweep.html"


def _backtest(out: Path) -> Path:
    small = with_overrides(load_scenario(DEMO), {"scenario.warmup_days": 0})
    (out / "export").mkdir()
    export = write_synthetic(small, out / "export", days=14, seed=5)
    city = out / "city.toml"
    invoke("fit", str(export.csv), "-o", str(city), "--mapping", str(export.mapping),
           "--taxonomy", str(export.taxonomy))  # fmt: skip
    invoke("backtest", str(city), str(export.csv), "--mapping", str(export.mapping),
           "--taxonomy", str(export.taxonomy), "--replications", "2", "--workers", "1",
           "--json", str(out / "bt.json"))  # fmt: skip
    invoke("report", str(out / "bt.json"), "-o", str(out / "backtest.html"))
    return out / "backtest.html"


def _sensitivity(out: Path) -> Path:
    invoke("sensitivity", str(DEMO), *FAST, "--json", str(out / "sens.json"))
    invoke("report", str(out / "sens.json"), "-o", str(out / "sensitivity.html"))
    return out / "sensitivity.html"


def _run_with_sensitivity(out: Path) -> Path:
    """A scenario's report given its sensitivity analysis: the tornadoes join the run's page."""
    invoke("sensitivity", str(DEMO), *FAST, "--json", str(out / "sens.json"))
    invoke("report", str(DEMO), *FAST, "--sensitivity", str(out / "sens.json"),
           "-o", str(out / "run.html"))  # fmt: skip
    return out / "run.html"


@dataclass(frozen=True)
class Kind:
    """One kind of report: how to make it (into a folder), and the charts it must show."""

    name: str
    make: Callable[[Path], Path]
    charts: list[str]


RUN_CHARTS = ["demand", "staffing-police", "staffing-community", "hours-community",
              "hours-variants", "response-call-type", "response-team", "cost"]  # fmt: skip
TORNADOES = ["tornado-eligible-response-p90", "tornado-police-hours-freed",
             "tornado-cost-per-call-answered"]  # fmt: skip
KINDS = [
    Kind("run", _run, RUN_CHARTS),
    Kind("run-sensitivity", _run_with_sensitivity, RUN_CHARTS + TORNADOES),
    Kind("summary", _summary, ["response-call-type", "response-team", "utilization", "cost"]),
    Kind("compare", _compare, ["hours-freed", "eligible-response", "eligible-calls", "cost"]),
    Kind("sweep", _sweep, ["frontier"]),
    Kind("backtest", _backtest, ["backtest-calls", "backtest-busy"]),
    Kind("sensitivity", _sensitivity, TORNADOES),
]  # fmt: skip


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.Popen(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
         "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        port_file = profile / "DevToolsActivePort"
        end = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > end or proc.poll() is not None:
                pytest.fail("chromium did not start its DevTools server within 30 s")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            targets = json.load(resp)
        tab = next(t for t in targets if t["type"] == "page")
        p = Page(tab["webSocketDebuggerUrl"])
        yield p
        p.ws.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


CONTROL = """<!DOCTYPE html><html><head><style>body{margin:0}</style></head><body>
<img src="http://127.0.0.1:9/x.png">
<script>console.error('boom')</script>
<table style="width:1500px"><tr><td>a table wider than the page</td></tr></table>
<figure class="chart" id="chart-paths"><svg width="600" height="300"><path d="M0 0 L600 300"/>
<path d="M0 300 L600 0"/><path d="M0 0 L1 1"/><path d="M0 0 L2 2"/><path d="M0 0 L3 3"/>
<path d="M0 0 L4 4"/></svg></figure>
</body></html>"""


def test_every_check_can_fail_on_a_control_page(page: Page, tmp_path: Path) -> None:
    """The control page has a console error, an outside request, a table wider than the
    page, a chart whose words are paths (no SVG text) and lacks a chart that is expected."""
    control = tmp_path / "control.html"
    control.write_text(CONTROL)
    page.open(control.as_uri())
    for check in CHECKS:
        problems = check(page, control.as_uri(), ["paths", "expected"])
        assert problems, f"{check.__name__} did not see what the control page breaks"
    assert "missing chart-expected" in charts_with_text(page, "", ["paths", "expected"])
    assert any("no text" in p for p in charts_with_text(page, "", ["paths"]))


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_report_opens_cleanly_with_every_chart(
    page: Page, kind: Kind, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = kind.make(tmp_path_factory.mktemp(kind.name))
    url = path.as_uri()
    page.open(url)
    for check in CHECKS:
        assert check(page, url, kind.charts) == [], check.__name__
    assert page.evaluate("document.querySelectorAll('ul.findings li').length") >= 3
    shot = page.screenshot()
    rgb = shot[..., :3].reshape(-1, 3)
    not_white = float(np.mean(rgb.min(axis=1) < 0.9))
    packed = (rgb * 255).astype(np.uint32) @ np.array([1 << 16, 1 << 8, 1], dtype=np.uint32)
    colours = len(np.unique(packed))
    # A blank or failed page is one or two colours; a report has text, charts and colour maps.
    # The shot is the page's width (1280 less the scroll bar): nothing made it wider.
    assert WIDTH - 20 <= shot.shape[1] <= WIDTH, shot.shape
    assert not_white > 0.03 and colours > 50, (not_white, colours)
