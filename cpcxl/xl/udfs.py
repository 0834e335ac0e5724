"""The one module Excel loads: every plugin's worksheet functions.

Desktop Excel imports it through ``UDF Modules = cpcxl.xl.udfs``; xlwings Server imports it
from the add-in's ``custom_functions`` package. The decorators come from ``xlwings`` itself,
which picks the right runtime (desktop COM, xlwings Server, or none) when it is imported.
"""

from __future__ import annotations

import copy
import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any

from xlwings import arg, func

from cpcxl.common.errors import CpcxlError
from cpcxl.common.grid import cell_error
from cpcxl.plugins import Registry, registry

log = logging.getLogger(__name__)


def excel_function(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` as a worksheet function: errors become readable cell text, never a traceback."""

    @functools.wraps(fn)
    def worksheet_function(*args: Any) -> Any:
        try:
            return fn(*args)
        except CpcxlError as exc:
            return cell_error(str(exc))
        except Exception as exc:  # a bug must still reach the user as a sentence
            log.exception("worksheet function %s failed", fn.__name__)
            return cell_error(f"{fn.__name__} failed unexpectedly ({type(exc).__name__}: {exc})")

    # Type hints describe the engine's Python types; Excel arguments arrive as xlwings
    # converts them by default (a value, a list or a list of lists), so hide the hints.
    worksheet_function.__annotations__ = {}
    if hasattr(fn, "__xlfunc__"):  # keep options the capability set, on a copy of its own
        worksheet_function.__xlfunc__ = copy.deepcopy(fn.__xlfunc__)  # type: ignore[attr-defined]
    worksheet_function = func(worksheet_function)
    for name in inspect.signature(fn).parameters:
        # Error cells arrive as '#N/A' and so on, so they can be reported, not read as blank.
        worksheet_function = arg(name, err_to_str=True)(worksheet_function)
    return func(worksheet_function)


def collect(reg: Registry) -> dict[str, Callable[..., Any]]:
    """Every registered worksheet function, decorated for Excel, by name."""
    return {name: excel_function(r.item) for name, r in reg.functions.items()}


_functions = collect(registry())
globals().update(_functions)
__all__ = sorted(_functions)
