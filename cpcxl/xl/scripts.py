"""Button scripts: one dispatcher, so every button in every runtime calls ``run(name)``.

Desktop VBA: ``RunPython "import cpcxl.xl.scripts as s; s.run('score_register')"``.
xlwings Server finds the same functions by name in this module.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import xlwings as xw

from cpcxl.common.errors import CpcxlError, InputError
from cpcxl.plugins import Registry, registry
from cpcxl.xl.worksheet import on_server


def button_name(script_name: str) -> str:
    """'score_register' -> 'Score register', the text on the button."""
    return script_name.replace("_", " ").capitalize()


def collect(reg: Registry, *, server: bool | None = None) -> dict[str, Callable[..., None]]:
    """Every registered button script, decorated for Excel (desktop or server), by name."""
    return {name: _as_script(r.item, server=server) for name, r in reg.scripts.items()}


def _as_script(fn: Callable[..., None], *, server: bool | None = None) -> Callable[..., None]:
    server = on_server() if server is None else server
    if server:
        from xlwings.server import script
    else:
        from xlwings import script

    @functools.wraps(fn)
    def button(book: xw.Book) -> None:
        if not server:
            fn(book)
            return
        try:
            fn(book)
        except CpcxlError as exc:
            # xlwings Server answers its own error type with a 400 carrying the message,
            # which the task pane shows; anything else is a bug and stays a 500.
            raise xw.XlwingsError(str(exc)) from exc

    # xlwings Server passes the calling workbook to the parameter annotated xw.Book, and
    # reads the hints through __wrapped__; stop it there so a capability's own annotations
    # (perhaps strings under `from __future__ import annotations`) never need resolving.
    button.__annotations__ = {"book": xw.Book, "return": None}
    del button.__wrapped__
    return script(name=button_name(fn.__name__))(button) if server else script(button)


def run(name: str, book: Any = None) -> None:
    """Run the script ``name`` on ``book`` (by default the workbook that called Python).

    The desktop add-in's buttons call this through RunPython; bad input in the workbook is
    shown in a message box.
    """
    reg = registry()
    key = name.strip().lower().replace(" ", "_")
    if key not in reg.scripts:
        raise InputError(f"{name!r} is not a cpcxl button script", valid=", ".join(reg.scripts))
    book = book if book is not None else xw.Book.caller()
    try:
        reg.scripts[key].item(book)
    except CpcxlError as exc:
        # An officer's input problem: a message box saying what to fix, not a traceback.
        book.app.alert(str(exc), title=f"cpcxl: {button_name(key)}")


_scripts = collect(registry())
globals().update(_scripts)
__all__ = ["run", *sorted(_scripts)]
