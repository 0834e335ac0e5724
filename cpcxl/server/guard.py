"""An ASGI layer in front of xlwings Server: body size limit and clear 4xx answers.

xlwings Server answers a call to an unknown function with a 500 and no reason, and hands a
wrong number of arguments to the function. Checking requests here, against the functions
and scripts actually registered, gives Excel (and IT's logs) a 4xx that says what is wrong,
and never lets one bad request disturb the others.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


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
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.arities = {name.lower(): (name, Arity(fn)) for name, fn in functions.items()}
        self.scripts = {name.lower(): name for name in scripts}
        self.functions_path = f"{app_path}/xlwings/custom-functions-call"
        self.scripts_path = f"{app_path}/xlwings/custom-scripts-call/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(send)
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
        refusal = self.check(scope["path"], body, _header(scope, b"content-type") or "")
        if refusal is not None:
            await _reply(send, *refusal)
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

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
                if not isinstance(data, dict) or not isinstance(data.get("sheets"), list):
                    return 400, (
                        "the request body must be the workbook JSON the add-in sends "
                        "(an object with 'book' and 'sheets')"
                    )
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
        return (400, problem) if problem else None

    async def _too_large(self, send: Send) -> None:
        limit = f"{self.max_body_bytes / (1024 * 1024):.1f} MB"
        await _reply(
            send,
            413,
            f"the request is larger than this server accepts ({limit}); use a smaller range "
            "or workbook, or ask IT to raise CPCXL_SERVER_MAX_BODY_BYTES",
        )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _json(body: bytes) -> tuple[Any, str | None]:
    if not body:
        return None, "the request body is empty; it must be JSON"
    try:
        return json.loads(body), None
    except UnicodeDecodeError:
        return None, "the request body is not UTF-8 text; it must be JSON"
    except json.JSONDecodeError as exc:
        return None, f"the request body is not valid JSON ({exc.msg} at character {exc.pos})"


async def _reply(send: Send, status: int, detail: str) -> None:
    # {"detail": ...} is the shape FastAPI uses, and what the add-in's JavaScript shows.
    payload = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
