"""Headless Chromium for the add-in's browser tests, driven over the DevTools protocol.

Chromium runs with ``--remote-debugging-pipe``: the protocol travels over two pipes (the
child's file descriptors 3 and 4, NUL-separated JSON), so no debugging port is opened and
nothing beyond this process can reach the browser. Each page loads from the test's own
server on 127.0.0.1, with Office.js replaced by the tests' stand-in (``js/office.js``) as the
browser fetches it; every other script is the server's own.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

JS = Path(__file__).with_name("js")
#: The flags that work in a container with no display, no sandbox and no network beyond it.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
    "--remote-debugging-pipe",
]
#: Run in the child: the pipes onto fds 3 and 4, then Chromium in its place.
PLACE_PIPES = (
    "import os, sys; r, w = int(sys.argv[1]), int(sys.argv[2]); os.dup2(r, 3); os.dup2(w, 4);"
    " os.close(r); os.close(w); os.execv(sys.argv[3], sys.argv[3:])"
)
#: Where the page asks for Office.js: xlwings Server's vendored copy.
OFFICE_JS = "*/vendor/office-js/*/office.js"


class BrowserError(RuntimeError):
    pass


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Chromium:
    """One headless browser process and the protocol to it."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_child, self._write_fd = os.pipe()
        self._read_fd, from_child = os.pipe()
        # Chromium reads the protocol on fd 3 and writes it on fd 4. A small Python step puts
        # the pipes there and then becomes Chromium; first they are moved above 9, so putting
        # one on 3 cannot close the other.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child, from_child)]
        os.close(to_child)
        os.close(from_child)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                PLACE_PIPES,
                str(high[0]),
                str(high[1]),
                executable,
                *FLAGS,
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=high,
        )
        for fd in high:
            os.close(fd)
        self._next_id = 0
        self._lock = threading.Lock()
        self._waiting: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._handlers: dict[str, list[Callable[[dict[str, Any]], None]]] = {}
        self.events: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, name="chromium-protocol", daemon=True)
        self._reader.start()

    # --- the protocol ----------------------------------------------------------------------

    def _read(self) -> None:
        buffer = b""
        with os.fdopen(self._read_fd, "rb", buffering=0) as pipe:
            while True:
                chunk = pipe.read(65536)
                if not chunk:
                    return
                buffer += chunk
                while b"\0" in buffer:
                    raw, buffer = buffer.split(b"\0", 1)
                    self._dispatch(json.loads(raw))

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message:
            with self._lock:
                waiting = self._waiting.pop(message["id"], None)
            if waiting is not None:
                waiting.put(message)
            return
        self.events.append(message)
        for handler in self._handlers.get(message.get("method", ""), []):
            handler(message)

    def on(self, method: str, handler: Callable[[dict[str, Any]], None]) -> None:
        self._handlers.setdefault(method, []).append(handler)

    def post(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> queue.Queue[dict[str, Any]]:
        """Send a command; the answer arrives on the queue returned."""
        answer: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=1)
        with self._lock:
            self._next_id += 1
            message: dict[str, Any] = {"id": self._next_id, "method": method}
            message["params"] = params or {}
            if session:
                message["sessionId"] = session
            self._waiting[self._next_id] = answer
            os.write(self._write_fd, json.dumps(message).encode() + b"\0")
        return answer

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 60,
    ) -> dict[str, Any]:
        try:
            answer = self.post(method, params, session).get(timeout=timeout)
        except queue.Empty:
            raise BrowserError(f"{method}: no answer from Chromium within {timeout:g} s") from None
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error']}")
        return dict(answer.get("result", {}))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.post("Browser.close")
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        with contextlib.suppress(OSError):
            os.close(self._write_fd)


class Page:
    """A tab, attached with its own session, loading pages with the Office.js stand-in."""

    def __init__(self, browser: Chromium, width: int = 360, height: int = 760) -> None:
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        self.office = (JS / "office.js").read_bytes()
        browser.on("Fetch.requestPaused", self._serve_office)
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Fetch.enable", {"patterns": [{"urlPattern": OFFICE_JS}]})
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": False},
        )
        # Injected by the protocol, so the page's Content-Security-Policy does not apply.
        self.send(
            "Page.addScriptToEvaluateOnNewDocument",
            {
                "source": "globalThis.cpcxlViolations = [];"
                "document.addEventListener('securitypolicyviolation', (e) =>"
                " cpcxlViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
            },
        )
        self._settings: str | None = None
        self.office_served = 0
        self.events_from = 0
        self.console_on_open: list[str] = []

    def send(self, method: str, params: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        return self.browser.send(method, params, self.session, **kw)

    def _serve_office(self, event: dict[str, Any]) -> None:
        if event.get("sessionId") != self.session:
            return
        self.office_served += 1
        self.browser.post(
            "Fetch.fulfillRequest",
            {
                "requestId": event["params"]["requestId"],
                "responseCode": 200,
                "responseHeaders": [{"name": "Content-Type", "value": "text/javascript"}],
                "body": base64.b64encode(self.office).decode(),
            },
            self.session,
        )

    def open(self, url: str, office: dict[str, Any], ready: str, timeout: float = 60) -> None:
        """Load ``url`` with these Office settings; wait until the expression ``ready`` is
        true in the page."""
        if self._settings is not None:
            self.send("Page.removeScriptToEvaluateOnNewDocument", {"identifier": self._settings})
        self._settings = self.send(
            "Page.addScriptToEvaluateOnNewDocument",
            {"source": f"globalThis.cpcxlOfficeSettings = {json.dumps(office)};"},
        )["identifier"]
        self.events_from = len(self.browser.events)
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while not self.evaluate(f"document.readyState === 'complete' && !!({ready})"):
            if time.monotonic() > deadline:
                raise BrowserError(f"{url} was not ready ({ready}) within {timeout:g} s")
            time.sleep(0.1)
        self.console_on_open = self.console()

    def evaluate(self, expression: str, timeout: float = 60) -> Any:
        """The value of a JavaScript expression in the page (awaited if a promise)."""
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            timeout=timeout,
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def console(self) -> list[str]:
        """What the page wrote to its console, and what the browser logged for it, since it
        was opened: 'level: text' each."""
        lines = []
        for event in self.browser.events[self.events_from :]:
            if event.get("sessionId") != self.session:
                continue
            params = event.get("params", {})
            if event["method"] == "Runtime.consoleAPICalled":
                text = " ".join(
                    str(a.get("value", a.get("description", ""))) for a in params.get("args", [])
                )
                lines.append(f"{params.get('type')}: {text}")
            elif event["method"] == "Log.entryAdded":
                entry = params.get("entry", {})
                lines.append(f"{entry.get('level')}: [{entry.get('source')}] {entry.get('text')}")
            elif event["method"] == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                exception = details.get("exception", {})
                lines.append(f"exception: {exception.get('description', details.get('text'))}")
        return lines

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data["data"]))
        return path


@contextlib.contextmanager
def chromium(executable: str) -> Iterator[Chromium]:
    """A headless Chromium with a fresh profile, closed (and only it) afterwards."""
    with tempfile.TemporaryDirectory(prefix="cpcxl-chromium-") as profile:
        browser = Chromium(executable, Path(profile))
        try:
            browser.send("Browser.getVersion", timeout=60)
            yield browser
        finally:
            browser.close()
