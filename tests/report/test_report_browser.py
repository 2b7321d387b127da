"""The HTML reports open in real headless Chromium: no console errors, no request leaving the
page, every chart drawn, and a screenshot that is not blank.

Chromium is driven over the Chrome DevTools Protocol with a small websocket client: console
messages, uncaught exceptions, log entries and every network request of the page are
recorded while it loads. A control page that does make a request and log an error checks
that the harness really sees both (so a pass is not a blind pass).
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib import image as mpimg
from typer.testing import CliRunner

from sim.cli import app
from sim.pipeline import SerialExecutor
from sim.scenario import load_scenario, with_overrides
from sim.sweep import build_sweep, grid, run_sweep

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "scenarios" / "programs" / "cahoots_like.toml"
FAST = ["--days", "9", "--replications", "2"]
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
                  width=1100, height=1400, deviceScaleFactor=1, mobile=False)  # fmt: skip

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


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[str]]]:
    """One report of each kind, with the chart ids each must show."""
    out = tmp_path_factory.mktemp("reports")
    demo = ROOT / "scenarios" / "demo.toml"

    def invoke(*args: str) -> None:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output

    invoke("report", str(demo), *FAST, "-o", str(out / "run.html"))
    invoke("run", str(demo), *FAST, "--json", str(out / "run.json"))
    invoke("report", str(out / "run.json"), "-o", str(out / "summary.html"))
    invoke("compare", str(demo), "--program", str(PROGRAM), *FAST, "--json", str(out / "c.json"))
    invoke("report", str(out / "c.json"), "-o", str(out / "compare.html"))
    scn = with_overrides(load_scenario(demo), {"scenario.days": 4, "scenario.replications": 2})
    sweep = build_sweep(scn, grid([("teams.community.shifts.0.units", [1, 2, 3])]))
    run_sweep(sweep, SerialExecutor(), out=out / "sweep.json")
    invoke("report", str(out / "sweep.json"), "-o", str(out / "sweep.html"))
    invoke("sensitivity", str(demo), *FAST, "--json", str(out / "sens.json"))
    invoke("report", str(out / "sens.json"), "-o", str(out / "sensitivity.html"))
    return {
        "run": (out / "run.html", ["demand", "staffing-police", "staffing-community",
                                   "response-call-type", "response-team", "cost"]),
        "summary": (out / "summary.html", ["response-call-type", "response-team",
                                           "utilization", "cost"]),
        "compare": (out / "compare.html", ["hours-freed", "eligible-response",
                                           "eligible-calls", "cost"]),
        "sweep": (out / "sweep.html", ["frontier"]),
        "sensitivity": (out / "sensitivity.html", ["tornado-eligible-response-p90",
                                                   "tornado-police-hours-freed",
                                                   "tornado-cost-per-call-answered"]),
    }  # fmt: skip


def test_harness_sees_requests_and_console_errors(page: Page, tmp_path: Path) -> None:
    control = tmp_path / "control.html"
    control.write_text(
        '<html><body><img src="http://127.0.0.1:9/x.png">'
        "<script>console.error('boom')</script></body></html>"
    )
    page.open(control.as_uri())
    assert "http://127.0.0.1:9/x.png" in page.requests()
    assert any("boom" in e for e in page.errors())


@pytest.mark.parametrize("kind", ["run", "summary", "compare", "sweep", "sensitivity"])
def test_report_opens_cleanly_with_every_chart(
    page: Page, reports: dict[str, tuple[Path, list[str]]], kind: str
) -> None:
    path, charts = reports[kind]
    url = path.as_uri()
    page.open(url)
    assert page.errors() == []
    leaving = [u for u in page.requests() if u != url and not u.startswith("data:")]
    assert leaving == []
    drawn = page.evaluate(
        "JSON.stringify(Array.from(document.querySelectorAll('figure.chart')).map(f => {"
        " const s = f.querySelector('svg'); const r = s ? s.getBoundingClientRect() : null;"
        " const n = s ? s.querySelectorAll('path').length : 0;"
        " return [f.id, r ? r.width : 0, r ? r.height : 0, n];"
        "}))"
    )  # fmt: skip
    found = {cid: (w, h, paths) for cid, w, h, paths in json.loads(drawn)}
    assert sorted(found) == sorted(f"chart-{c}" for c in charts)
    for cid, (w, h, paths) in found.items():
        assert w > 300 and h > 100 and paths > 10, cid
    assert page.evaluate("document.querySelectorAll('ul.findings li').length") >= 3
    shot = page.screenshot()
    rgb = shot[..., :3].reshape(-1, 3)
    not_white = float(np.mean(rgb.min(axis=1) < 0.9))
    packed = (rgb * 255).astype(np.uint32) @ np.array([1 << 16, 1 << 8, 1], dtype=np.uint32)
    colours = len(np.unique(packed))
    # A blank or failed page is one or two colours; a report has text, charts and colour maps.
    assert shot.shape[0] >= 1400 and not_white > 0.03 and colours > 50, (not_white, colours)
