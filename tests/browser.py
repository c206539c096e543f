"""A real browser for the accessibility tests: headless chromium with axe-core injected.

chromium is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: JSON messages
ended by a NUL byte on file descriptors 3 and 4), so the standard library is enough: no Python
driver to lock, and no driver binary whose version has to match the browser's. axe-core is the
version `scripts/browser.sh` pins, in `.cache/axe-core/axe.min.js`.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AXE_JS = ROOT / ".cache" / "axe-core" / "axe.min.js"
INSTALL = "bash scripts/browser.sh"
# WCAG 2.1 level A and AA: axe tags each rule with the version and level that introduced it.
WCAG21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

# Runs in the page once axe is loaded: the results, trimmed to what an assertion message needs.
_RUN_AXE = """
document.fonts.ready
  .then(() => axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations", "incomplete"]}))
  .then(results => {
    const rules = list => list.map(rule => ({
      id: rule.id, impact: rule.impact, help: rule.help, helpUrl: rule.helpUrl,
      nodes: rule.nodes.map(node => ({target: node.target, html: node.html, summary: node.failureSummary})),
    }));
    return {
      version: results.testEngine.version,
      violations: rules(results.violations),
      incomplete: rules(results.incomplete),
      passes: results.passes.map(rule => rule.id),
    };
  })
"""


class BrowserError(RuntimeError):
    """The browser failed to start, to load a page or to run a script in it."""


@dataclass(frozen=True)
class AxeResults:
    """What axe found on one page: `violations` and `incomplete` (rules axe could not decide, such
    as contrast over an image) as lists of {id, impact, help, helpUrl, nodes: [{target, html,
    summary}]}, and the ids of the rules that passed (a rule with nothing to check is in none)."""

    version: str
    violations: list[dict]
    incomplete: list[dict]
    passes: list[str]


def find_chromium() -> str | None:
    """The chromium executable on PATH (Debian's `chromium`, Ubuntu's `chromium-browser`), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def describe(violations: list[dict]) -> str:
    """Violations as readable lines for an assertion message: rule, impact, help, then each node."""
    lines = []
    for rule in violations:
        lines.append(f"{rule['id']} ({rule['impact']}): {rule['help']} <{rule['helpUrl']}>")
        for node in rule["nodes"]:
            html = " ".join(node["html"].split())
            where = " ".join(map(str, node["target"]))
            lines.append(f"    {where}: {html[:200]}{'…' if len(html) > 200 else ''}")
    return "\n".join(lines)


class Chromium:
    """One headless chromium; each check opens the page in a new tab and closes it after.

    Use it as a context manager (or call `close`). `timeout` bounds each check, in seconds.
    """

    def __init__(self, executable: str, *, axe_js: Path = AXE_JS, timeout: float = 30):
        self.axe_source = axe_js.read_text(encoding="utf-8")
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="pei-chromium-")
        self._stderr = tempfile.TemporaryFile()
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        flags = [
            "--headless=new",
            # The sandbox needs user namespaces, which containers and root often lack; the browser
            # only opens the project's own files.
            "--no-sandbox",
            "--remote-debugging-pipe",
            f"--user-data-dir={self._profile}",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--mute-audio",
            "--window-size=1280,800",
            "about:blank",
        ]
        # The pipe ends arrive as stdin and stdout; the sh in between moves them to 3 and 4, where
        # chromium expects them.
        command = ["sh", "-c", 'exec "$0" "$@" 3<&0 4>&1 </dev/null >/dev/null', executable, *flags]
        try:
            self._process = subprocess.Popen(command, stdin=to_browser_r, stdout=from_browser_w, stderr=self._stderr)
        finally:
            os.close(to_browser_r)
            os.close(from_browser_w)
        self._next_id = 0
        self._buffer = b""
        self._events: list[dict] = []
        try:
            self._call("Browser.getVersion", deadline=time.monotonic() + self.timeout)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Stop the browser and remove its profile."""
        if self._process.poll() is None:
            try:
                self._send("Browser.close")
                self._process.wait(timeout=5)
            except (BrowserError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        self._stderr.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def axe(self, html_path: Path, tags: tuple[str, ...] = WCAG21_AA) -> AxeResults:
        """Open `html_path` from disk (a file:// URL), wait for it to load, run axe-core's rules
        with these tags on the rendered page and return what it found."""
        found = self._in_tab(html_path, lambda session, deadline: self._axe(session, tags, deadline))
        return AxeResults(found["version"], found["violations"], found["incomplete"], found["passes"])

    def axe_violations(self, html_path: Path, tags: tuple[str, ...] = WCAG21_AA) -> list[dict]:
        """The WCAG 2.1 A and AA violations axe-core finds on the page at `html_path`."""
        return self.axe(html_path, tags).violations

    def evaluate(self, html_path: Path, expression: str, *, width: int | None = None, height: int = 800):
        """The value of a script run in the page at `html_path` once loaded, in a viewport `width`
        CSS pixels wide (the window's width when None): e.g. whether the page scrolls sideways
        at 320 px (WCAG 1.4.10, reflow)."""
        def run(session: str, deadline: float):
            return self._evaluate(expression, session, deadline=deadline)

        return self._in_tab(html_path, run, width=width, height=height)

    def _in_tab(self, html_path: Path, work, *, width: int | None = None, height: int = 800):
        """Open `html_path` in a new tab (at that viewport size), do `work(session, deadline)` there,
        close the tab and return what `work` returned."""
        html_path = Path(html_path).resolve(strict=True)
        deadline = time.monotonic() + self.timeout
        self._events.clear()  # events of earlier tabs
        target = self._call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)["targetId"]
        try:
            session = self._load(html_path, target, deadline, width, height)
            found = work(session, deadline)
        except BaseException:
            self._close_tab(target, quietly=True)  # the first error is the one to report
            raise
        self._close_tab(target)
        return found

    def _load(self, html_path: Path, target: str, deadline: float, width: int | None, height: int) -> str:
        """Load the page in the tab `target`; its session."""
        attached = self._call("Target.attachToTarget", {"targetId": target, "flatten": True}, deadline=deadline)
        session = attached["sessionId"]
        if width is not None:
            self._call(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                session=session, deadline=deadline,
            )
        self._call("Page.enable", session=session, deadline=deadline)
        self._call("Page.setLifecycleEventsEnabled", {"enabled": True}, session=session, deadline=deadline)
        navigation = self._call("Page.navigate", {"url": html_path.as_uri()}, session=session, deadline=deadline)
        if navigation.get("errorText"):
            raise BrowserError(f"chromium could not open {html_path}: {navigation['errorText']}")
        self._wait_for(
            "Page.lifecycleEvent", session,
            lambda params: params["name"] == "load" and params["loaderId"] == navigation["loaderId"],
            deadline=deadline,
        )
        return session

    def _axe(self, session: str, tags: tuple[str, ...], deadline: float) -> dict:
        """Inject axe in the loaded page and run it."""
        self._evaluate(self.axe_source, session, deadline=deadline)
        return self._evaluate(_RUN_AXE % json.dumps(list(tags)), session, deadline=deadline)

    def _close_tab(self, target: str, *, quietly: bool = False) -> None:
        """Close the tab `target`; `quietly` when another error is already on its way."""
        try:
            self._call("Target.closeTarget", {"targetId": target}, deadline=time.monotonic() + 5)
        except (BrowserError, OSError):
            if not quietly:
                raise

    def _evaluate(self, expression: str, session: str, *, deadline: float):
        """The value of a script run in the page (awaited if it is a promise); a script error raises."""
        answer = self._call(
            "Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True},
            session=session, deadline=deadline,
        )
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            error = details.get("exception", {}).get("description") or details["text"]
            raise BrowserError(f"the script failed in the page: {error}")
        return answer["result"].get("value")

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        """Write one command to the browser; its id."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            raise self._exited() from None
        return self._next_id

    def _call(
        self, method: str, params: dict | None = None, *, session: str | None = None, deadline: float
    ) -> dict:
        """Send one command and return its result; events that arrive meanwhile are kept."""
        call_id = self._send(method, params, session)
        while True:
            message = self._receive(deadline)
            if message.get("id") == call_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message["result"]
            if "method" in message:
                self._events.append(message)

    def _wait_for(self, method: str, session: str, matches, *, deadline: float) -> dict:
        """The first event `method` of this session whose parameters match, kept or still to come."""
        while True:
            for event in self._events:
                if event["method"] == method and event.get("sessionId") == session and matches(event["params"]):
                    self._events.remove(event)
                    return event["params"]
            self._events.append(self._receive(deadline))

    def _receive(self, deadline: float) -> dict:
        """The next message from the browser, command result or event."""
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._from_browser], [], [], remaining)[0]:
                raise BrowserError(f"chromium did not answer (or the page did not load) within {self.timeout} s"
                                   f"{self._log_tail()}")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise self._exited()
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _exited(self) -> BrowserError:
        """The error for a browser that closed its end of the pipe."""
        try:
            status = self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            status = "still running"
        return BrowserError(f"chromium exited (status {status}){self._log_tail()}")

    def _log_tail(self) -> str:
        """The end of chromium's error output, to explain a failure."""
        self._stderr.seek(0)
        lines = self._stderr.read().decode(errors="replace").splitlines()
        # Without a D-Bus (containers, CI) chromium logs that on every start: noise here.
        lines = [line for line in lines if "Failed to connect to the bus" not in line][-15:]
        return ":\n" + "\n".join(lines) if lines else ""
