"""An ASGI layer in front of xlwings Server: what it serves, in what order it checks, and what
a refusal looks like.

In order, for every request:

1. A file path (``/static/...``) must resolve inside the folder it is served from; anything
   else, ``..`` sent as is or encoded, is 404.
2. A body over the size limit is refused before it is read (413). A large body, and every
   button's, is handled from here on on a second event loop, so it holds up no small call.
3. Where sign-in is configured, the token is checked before the body is parsed (401), and
   xlwings Server's placeholder token ``test-token`` never authorises anything.
4. The body must be JSON of the shape the add-in sends, with every number finite and
   readable and every cell a value Excel could send; an unknown function or script, a wrong
   number of arguments or a range over the cell limit is a 4xx saying what is wrong.
5. Every answer carries the security headers (xlwings Server's, and a Content-Security-Policy
   that allows the task pane what it needs and nothing else); a 500 never shows exception
   text, even with ``XLWINGS_ENVIRONMENT=dev``.

The custom-functions code xlwings Server serves goes out with cpcxl's short script in front
of it (``custom_functions_errors.js``: error cells become Excel error values with their
reasons); xlwings' own code follows unchanged.
"""

from __future__ import annotations

import inspect
import json
import logging
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cpcxl.common.limits import MAX_ARGUMENT_CELLS

from .offload import SecondLoop
from .settings import DEFAULT_LARGE_BODY_BYTES

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
#: Checks a request's sign-in: (token, provider) -> None, or (status, reason) to refuse.
Authenticate = Callable[[str, str | None], Awaitable[tuple[int, str] | None]]

#: xlwings Server's placeholder custom provider accepts this literal token.
PLACEHOLDER_TOKEN = "test-token"
#: How deep JSON may nest: a workbook is book -> sheets -> sheet -> values -> row -> cell.
MAX_JSON_DEPTH = 32
#: Office.js sends error cells as {"type": "Error", ...}; no other object is a cell.
ERROR_CELL_TYPES = {"Error"}
#: A request body this large (about 2,000 cells) is checked and handled on the second event
#: loop (``cpcxl.server.offload``), as is every button: its JSON, cell conversions and answer
#: take longer than Python's 5 ms between thread switches, so small calls would wait on it.
LARGE_BODY_BYTES = DEFAULT_LARGE_BODY_BYTES


class Arity:
    """How many arguments a worksheet function takes, in words a user understands."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        params = list(inspect.signature(fn).parameters.values())
        self.names = [p.name for p in params if p.kind is not p.VAR_POSITIONAL]
        self.required = sum(
            1 for p in params if p.default is p.empty and p.kind is not p.VAR_POSITIONAL
        )
        self.unlimited = any(p.kind is p.VAR_POSITIONAL for p in params)

    def problem(self, name: str, count: int) -> str | None:
        if count < self.required or (not self.unlimited and count > len(self.names)):
            wanted = (
                f"{self.required}"
                if self.required == len(self.names)
                else f"{self.required} to {len(self.names)}"
            )
            if self.unlimited:
                wanted = f"at least {self.required}"
            listed = ", ".join(self.names) or "none"
            return f"{name} takes {wanted} argument(s) ({listed}); the request has {count}"
        return None


def content_security_policy(*, cdn_officejs: bool, excel_online: bool) -> str:
    """What the task pane may load: its own scripts, styles, images and fonts (xlwings' and
    the vendored Office.js), Office.js from Microsoft's CDN only if the deployment uses it,
    and nothing else; no inline script, no plugins, no other site to post forms to."""
    scripts = "'self' https://appsforoffice.microsoft.com" if cdn_officejs else "'self'"
    policy = [
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    if not excel_online:
        policy.append("frame-ancestors 'none'")  # only Excel on the web frames the pane
    return "; ".join(policy)


class Guard:
    """Wraps the xlwings Server ASGI application."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        functions: Mapping[str, Callable[..., Any]],
        scripts: Mapping[str, Callable[..., Any]],
        app_path: str = "",
        static_roots: Mapping[str, Sequence[Path]] | None = None,
        authenticate: Authenticate | None = None,
        security_headers: Mapping[str, str] | None = None,
        content_security: str | None = None,
        before_functions_code: bytes = b"",
        second_loop: SecondLoop | None = None,
        large_body_bytes: int = LARGE_BODY_BYTES,
    ) -> None:
        self.app = app
        self.second_loop = second_loop
        self.large_body_bytes = large_body_bytes
        self.functions_code_paths = {
            f"{app_path}/xlwings/custom-functions-code",
            f"{app_path}/xlwings/custom-functions-code.js",
        }
        self.before_functions_code = before_functions_code
        self.max_body_bytes = max_body_bytes
        self.arities = {name.lower(): (name, Arity(fn)) for name, fn in functions.items()}
        self.scripts = {name.lower(): name for name in scripts}
        self.functions_path = f"{app_path}/xlwings/custom-functions-call"
        self.scripts_path = f"{app_path}/xlwings/custom-scripts-call/"
        self.static_roots = {
            prefix.rstrip("/") + "/": [r.resolve() for r in roots]
            for prefix, roots in (static_roots or {}).items()
        }
        self.authenticate = authenticate
        headers = dict(security_headers or {})
        if content_security:
            headers["Content-Security-Policy"] = content_security
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        self.csp = (
            [(b"content-security-policy", content_security.encode())] if content_security else []
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._answers(send)
        path = scope["path"]
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            if not self._serves(path):
                await self.reply(send, 404, "Not Found")
                return
            if scope["method"] == "GET" and path in self.functions_code_paths:
                send = _prepending(send, self.before_functions_code)
            await self._run(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(send)
            return
        if self.authenticate is not None and self._protected(path):
            token = _header(scope, b"authorization") or ""
            refusal = await self._signed_in(token, _header(scope, b"auth-provider"))
            if refusal is not None:
                await self.reply(send, *refusal)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)

        async def handle(receive: Receive, send: Send) -> None:
            await self._checked(scope, body, receive, send)

        if self.second_loop is not None and (
            len(body) >= self.large_body_bytes or path.startswith(self.scripts_path)
        ):
            await self.second_loop.run(handle, receive, send)
        else:
            await handle(receive, send)

    async def _checked(self, scope: Scope, body: bytes, receive: Receive, send: Send) -> None:
        """Check a request's body, then pass it to the app as if it were being read now."""
        content_type = _header(scope, b"content-type") or ""
        refusal = self.check(scope["path"], body, content_type)
        if refusal is not None:
            await self.reply(send, *refusal)
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self._run(scope, replay, send)

    async def _run(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app, with an exception it raises after answering (Starlette re-raises for the
        log) logged here, so the connection closes cleanly with the answer sent."""
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            log.exception("request to %s failed", scope.get("path"))
            if not started:  # a second answer on the connection would break the next one
                await self.reply(
                    send, 500, "the server could not answer this request; its log says why"
                )

    # --- what is served ------------------------------------------------------------------

    def _serves(self, path: str) -> bool:
        """False for a file path that does not resolve inside a folder it is served from."""
        for prefix, roots in self.static_roots.items():
            if not path.startswith(prefix):
                continue
            relative = path[len(prefix) :]
            parts = relative.replace("\\", "/").split("/")
            if "\x00" in relative or any(p in ("..", ".") for p in parts) or relative[:1] == "/":
                return False
            for root in roots:
                candidate = (root / relative).resolve()
                if candidate.is_file():
                    return candidate.is_relative_to(root)
            return True  # not found anywhere: the app's own 404
        return True

    def _protected(self, path: str) -> bool:
        return path == self.functions_path or path.startswith(self.scripts_path)

    async def _signed_in(self, token: str, provider: str | None) -> tuple[int, str] | None:
        bare = token.strip().removeprefix("Bearer ").strip()
        if not bare:
            return 401, "sign in first: the request carries no token (Authorization: Bearer)"
        if bare == PLACEHOLDER_TOKEN:
            return 401, "the token is xlwings Server's placeholder, which never authorises"
        assert self.authenticate is not None
        return await self.authenticate(token, provider)

    # --- what a request must look like -----------------------------------------------------

    def check(self, path: str, body: bytes, content_type: str) -> tuple[int, str] | None:
        """(status, reason) for a request to refuse, or None to pass it on."""
        if path == self.functions_path:
            return self._check_function_call(body)
        if path.startswith(self.scripts_path):
            name = path[len(self.scripts_path) :]
            if self.scripts.get(name.lower()) != name:  # xlwings looks names up exactly
                known = ", ".join(sorted(self.scripts.values())) or "none"
                return 404, f"no button script is called {name!r}; known scripts: {known}"
            if content_type.startswith("application/json") or not content_type:
                data, problem = _json(body)
                if problem:
                    return 400, problem
                problem = workbook_problem(data)
                if problem:
                    return 400, problem
        return None

    def _check_function_call(self, body: bytes) -> tuple[int, str] | None:
        data, problem = _json(body)
        if problem:
            return 400, problem
        if not isinstance(data, dict):
            return 400, "the request body must be a JSON object with func_name and args"
        name = data.get("func_name")
        if not isinstance(name, str) or not name:
            return 400, "the request has no func_name (the worksheet function to call)"
        if name.lower() not in self.arities:
            return 404, f"no worksheet function is called {name!r}"
        args = data.get("args")
        if not isinstance(args, list):
            return 400, f"the arguments for {name} must be a JSON array (args)"
        for field in ("version", "client", "runtime"):
            if field not in data:
                return 400, f"the request has no {field!r}, which the Excel add-in always sends"
        registered, arity = self.arities[name.lower()]
        if registered != name:  # xlwings looks names up exactly; Excel sends them exactly
            return 404, f"no worksheet function is called {name!r} (did you mean {registered}?)"
        problem = arity.problem(name, len(args))
        if problem:
            return 400, problem
        for position, argument in enumerate(args, start=1):
            label = arity.names[position - 1] if position <= len(arity.names) else position
            problem = argument_problem(argument)
            if problem:
                return 400, f"argument {position} ({label}) of {name}: {problem}"
        return None

    # --- answers ---------------------------------------------------------------------------

    def _answers(self, send: Send) -> Send:
        """``send`` with the Content-Security-Policy on every answer, and a 500's body (which
        in dev would be the exception) replaced by a sentence."""
        hiding = False

        async def answer(message: Message) -> None:
            nonlocal hiding
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() != b"content-security-policy"
                ] + self.csp
                if message["status"] >= 500:
                    hiding = True
                    await self.reply(
                        send,
                        message["status"],
                        "the server could not answer this request; its log says why",
                    )
                    return
                message = {**message, "headers": headers}
            elif hiding:
                return  # the body of a 500 the app wrote: never shown
            await send(message)

        return answer

    async def reply(self, send: Send, status: int, detail: str) -> None:
        # {"detail": ...} is the shape FastAPI uses, and what the add-in's JavaScript shows.
        payload = json.dumps({"detail": detail}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    *[
                        (k, v)
                        for k, v in self.headers
                        if k not in (b"cache-control", b"x-content-type-options")
                    ],
                    (b"cache-control", b"no-store"),
                    (b"x-content-type-options", b"nosniff"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    async def _too_large(self, send: Send) -> None:
        limit = f"{self.max_body_bytes / (1024 * 1024):.1f} MB"
        await self.reply(
            send,
            413,
            f"the request is larger than this server accepts ({limit}); use a smaller range "
            "or workbook, or ask IT to raise CPCXL_SERVER_MAX_BODY_BYTES",
        )


def _prepending(send: Send, prefix: bytes) -> Send:
    """``send`` with ``prefix`` in front of a successful answer's body (its length adjusted)."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def answer(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            if message["status"] != 200:
                await send(message)
                return
            start = message
            return
        if start is None or message["type"] != "http.response.body":
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = prefix + b"".join(chunks)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    return answer


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _json(body: bytes) -> tuple[Any, str | None]:
    if not body:
        return None, "the request body is empty; it must be JSON"
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except UnicodeDecodeError:
        return None, "the request body is not UTF-8 text; it must be JSON"
    except json.JSONDecodeError as exc:
        return None, f"the request body is not valid JSON ({exc.msg} at character {exc.pos})"
    except RecursionError:
        return None, f"the request's JSON nests deeper than {MAX_JSON_DEPTH} levels"
    except ValueError as exc:  # an integer of more digits than Python converts
        if "digits" in str(exc):
            return None, "the request holds a number of more than 4,300 digits"
        return None, f"the request body is not valid JSON ({_first_words(exc)})"
    if _depth(data) > MAX_JSON_DEPTH:
        return None, f"the request's JSON nests deeper than {MAX_JSON_DEPTH} levels"
    return data, None


def _no_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity, which are not JSON and no cell holds
    raise ValueError(f"{name} is not a number JSON allows")


def _first_words(exc: Exception) -> str:
    return str(exc).split("\n")[0][:80]


def _depth(value: Any, level: int = 1) -> int:
    if level > MAX_JSON_DEPTH:
        return level
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    return level


def argument_problem(argument: Any) -> str | None:
    """What is wrong with one argument as the add-in sends it (null, or a 2-D array of
    cells), or None. A cell is text, a number, a boolean, null, or an error object."""
    if argument is None:
        return None
    if not isinstance(argument, list) or not all(isinstance(r, list) for r in argument):
        return "it must be a 2-D array of cells, as Excel sends a range"
    cells = sum(len(r) for r in argument)
    if cells > MAX_ARGUMENT_CELLS:
        return (
            f"the range has {cells:,} cells, over the {MAX_ARGUMENT_CELLS:,} a function may "
            "be given; use a smaller range"
        )
    for r, row in enumerate(argument, start=1):
        for c, cell in enumerate(row, start=1):
            problem = cell_problem(cell)
            if problem:
                return f"row {r}, column {c}: {problem}"
    return None


def cell_problem(cell: Any) -> str | None:
    if cell is None or isinstance(cell, str | bool):
        return None
    if isinstance(cell, int):
        return None if abs(cell) < 10**308 else "a number too large for Excel"
    if isinstance(cell, float):
        return None if math.isfinite(cell) else "a number that is not finite"
    if isinstance(cell, dict) and cell.get("type") in ERROR_CELL_TYPES:
        return None
    return "not a value a cell can hold (text, a number, TRUE/FALSE or an error)"


def workbook_problem(data: Any) -> str | None:
    """What is wrong with a button request's workbook JSON, or None; xlwings would fail on
    it with a 500 somewhere inside."""
    if not isinstance(data, dict):
        return "the request body must be the workbook JSON the add-in sends (an object)"
    if not isinstance(data.get("book"), dict):
        return "the workbook JSON has no 'book' object"
    sheets = data.get("sheets")
    if not isinstance(sheets, list) or not sheets:
        return "the workbook JSON has no 'sheets' list"
    for index, sheet in enumerate(sheets, start=1):
        if not isinstance(sheet, dict):
            return f"sheet {index} of the workbook JSON is not an object"
        name = sheet.get("name")
        if not isinstance(name, str) or not name:
            return f"sheet {index} of the workbook JSON has no name"
        values = sheet.get("values")
        if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
            return f"sheet {name!r}: 'values' must be a 2-D array of cells"
        if len({len(r) for r in values}) > 1:
            return f"sheet {name!r}: the rows of 'values' have different lengths"
        for r, row in enumerate(values, start=1):
            for c, cell in enumerate(row, start=1):
                problem = cell_problem(cell)
                if problem:
                    return f"sheet {name!r}, row {r}, column {c}: {problem}"
        for key in ("tables", "pictures"):
            if not isinstance(sheet.get(key, []), list):
                return f"sheet {name!r}: {key!r} must be a list"
    if not isinstance(data.get("names", []), list):
        return "the workbook JSON's 'names' must be a list"
    return None
