"""Large requests on an event loop of their own, so they do not hold up small ones.

xlwings Server does a request's work on the event loop that serves every request: it parses
the JSON, converts every cell of every argument, calls the function (cpcxl's run in a worker
thread), converts and encodes every cell of the result; a button's script runs there too.
For a 10,000-row range that is 100-200 ms in which no other cell's request is answered. The
guard hands large requests (and every button) to this second loop, in a thread of its own:
the same application handles them there, and only the answer's messages go back to the
serving loop. Python runs one thread at a time, but switches every few milliseconds, so the
small requests are answered in between instead of after.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Handler = Callable[[Receive, Send], Coroutine[Any, Any, None]]


class SecondLoop:
    """An event loop running in a daemon thread, started on first use."""

    def __init__(self, name: str = "cpcxl-large-requests") -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name=self.name, daemon=True).start()
                self._loop = loop
            return self._loop

    async def run(self, handler: Handler, receive: Receive, send: Send) -> None:
        """Run ``handler(receive, send)`` on the second loop; its ``receive`` and ``send``
        calls run back on this one (where the server's connection lives)."""
        here = asyncio.get_running_loop()

        async def on_this_loop(call: Awaitable[Any]) -> Any:
            async def wrapped() -> Any:
                return await call

            return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(wrapped(), here))

        async def far_receive() -> Message:
            message: Message = await on_this_loop(receive())
            return message

        async def far_send(message: Message) -> None:
            await on_this_loop(send(message))

        future = asyncio.run_coroutine_threadsafe(handler(far_receive, far_send), self.loop())
        try:
            await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            future.cancel()
            raise
