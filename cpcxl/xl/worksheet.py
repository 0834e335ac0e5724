"""Turning a capability's function into a worksheet function, for either Excel runtime.

Each function is decorated for the runtime it is collected for: the desktop add-in's
decorators from ``xlwings`` itself, or xlwings Server's when ``XLWINGS_ON_SERVER=true``.
This lives apart from ``cpcxl.xl.udfs`` so that reloading that module (to pick up newly
installed plugins) re-collects the functions without redefining these types.

The names each runtime shows are in ``cpcxl.common.excel_names``.

A bad cell is text such as ``#VALUE! 'high' is not a likelihood`` (``cpcxl.common.grid``'s
``cell_error``). The desktop add-in shows that text: an xlwings desktop function can return
an error value but not a message with it. On xlwings Server the same cell goes to Excel as an
error object carrying the reason (:class:`ExcelResult`), which the add-in's JavaScript turns
into a real error value with its message (``cpcxl/server/custom-functions-errors.js``).
"""

from __future__ import annotations

import asyncio
import copy
import functools
import inspect
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from xlwings.conversion import Converter

from cpcxl.common.errors import CpcxlError, InputError
from cpcxl.common.excel_names import excel_name
from cpcxl.common.grid import CELL_ERROR_CODES, cell_error, finite_cells
from cpcxl.common.limits import DEFAULT_TIME_LIMIT, MAX_ARGUMENT_CELLS, time_limit
from cpcxl.common.values import describe
from cpcxl.plugins import Registry

log = logging.getLogger(__name__)

Orientation = Literal["cell", "column", "row", "table"]


def on_server() -> bool:
    """True in an xlwings Server process (its settings module sets the variable)."""
    return os.environ.get("XLWINGS_ON_SERVER") == "true"


@dataclass(frozen=True)
class ExcelRange:
    """An argument as Excel supplied it, with the orientation xlwings' default conversion loses."""

    value: Any
    orientation: Orientation


class ExcelArgument(Converter):
    """Reads every argument as a 2-D block, then hands the function xlwings' default shape.

    xlwings passes a column and a row alike as a flat list and writes a flat list back as a
    row, so a function given a column would spill sideways. Remembering the orientation lets
    the wrapper give a column back as a column.
    """

    @staticmethod
    def read_value(value: Any, options: dict[str, Any]) -> ExcelRange:
        return as_excel_range(value)


def as_excel_range(value: Any) -> ExcelRange:
    """A 2-D block (or a single value) as xlwings' default conversion would pass it."""
    if not isinstance(value, list | tuple) or not value:
        return ExcelRange(value, "cell")
    if not isinstance(value[0], list | tuple):
        return ExcelRange(list(value), "row")
    rows = [list(r) for r in value]
    if len(rows) == 1 and len(rows[0]) == 1:
        return ExcelRange(rows[0][0], "cell")
    if all(len(r) == 1 for r in rows):
        return ExcelRange([r[0] for r in rows], "column")
    if len(rows) == 1:
        return ExcelRange(rows[0], "row")
    return ExcelRange(rows, "table")


def _oriented(result: Any, ranges: list[ExcelRange]) -> Any:
    """A flat-list result goes back the way the first single-column or single-row input came."""
    if not isinstance(result, list) or (result and isinstance(result[0], list | tuple)):
        return result
    vectors = [r.orientation for r in ranges if r.orientation in ("column", "row")]
    if vectors and vectors[0] == "column":
        return [[v] for v in result]
    return result


#: Office.js's names (Excel.ErrorCellValueType) for the error values a cpcxl cell shows.
ERROR_TYPES = {"#VALUE!": "Value", "#NUM!": "Num", "#N/A": "NotAvailable"}
assert set(ERROR_TYPES) == set(CELL_ERROR_CODES)
#: The first custom-functions runtime with CustomFunctions.Error, an error value that can
#: carry a message; before it the add-in shows errors as text.
RUNTIME_WITH_ERROR_MESSAGES = (1, 2)


def error_value(cell: Any) -> Any:
    """A cpcxl error cell ('#VALUE! reason') as the error object the add-in turns into an Excel
    error value with that reason; any other cell as it is."""
    if not isinstance(cell, str) or not cell.startswith(CELL_ERROR_CODES):
        return cell
    for code, error_type in ERROR_TYPES.items():
        if cell == code or cell.startswith(code + " "):
            return {"type": "Error", "errorType": error_type, "message": cell[len(code) :].strip()}
    return cell  # '#VALUE!x': text that only looks like an error


def shows_error_messages(runtime: Any) -> bool:
    """True for a custom-functions runtime ('1.4') that has CustomFunctions.Error."""
    try:
        version = tuple(int(part) for part in str(runtime).split("."))
    except ValueError:
        return False
    return version >= RUNTIME_WITH_ERROR_MESSAGES


class ExcelResult(Converter):
    """A server function's result as xlwings Server sends it to Excel, with every error cell
    an error object carrying its reason where the caller's runtime (the request's
    ``runtime``) can show one, and as text where it cannot. xlwings' own conversion of the
    other cells (dates, blanks, NaN) follows unchanged."""

    @staticmethod
    def write_value(value: Any, options: dict[str, Any]) -> Any:
        if not shows_error_messages(options.get("runtime")):
            return value
        if isinstance(value, list):
            return [
                [error_value(c) for c in row] if isinstance(row, list) else error_value(row)
                for row in value
            ]
        return error_value(value)


def parameter_description(name: str) -> str:
    """The hint Excel shows for a parameter: 'start_date' -> 'start date'."""
    return name.replace("_", " ")


def excel_function(fn: Callable[..., Any], *, server: bool | None = None) -> Callable[..., Any]:
    """``fn`` as a worksheet function: errors become readable cell text, never a traceback."""
    server = on_server() if server is None else server
    if server:
        from xlwings.server import arg, func, ret
    else:
        from xlwings import arg, func

    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def worksheet_function(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:  # a call from Python with the wrong arguments
            raise TypeError(f"{fn.__name__}: {exc}") from None
        ranges = {
            name: a if isinstance(a, ExcelRange) else ExcelRange(a, "cell")
            for name, a in bound.arguments.items()
        }
        values = {name: r.value for name, r in ranges.items()}
        try:
            for name, value in values.items():
                check_size(name, value)
            return finite_cells(_oriented(fn(**values), list(ranges.values())))
        except CpcxlError as exc:
            return cell_error(str(exc))
        except Exception:  # a bug must still reach the user as a sentence, not a traceback
            log.exception("worksheet function %s failed", fn.__name__)
            return cell_error(unexpected(fn.__name__, values))

    wrapped: Callable[..., Any] = worksheet_function
    if server:
        wrapped = _off_the_event_loop(worksheet_function)
    # Type hints describe the engine's Python types; Excel arguments arrive through
    # ExcelArgument, so hide the hints. xlwings reads the signature through __wrapped__.
    wrapped.__annotations__ = {}
    if hasattr(fn, "__xlfunc__"):  # keep options the capability set, on a copy of its own
        wrapped.__xlfunc__ = copy.deepcopy(fn.__xlfunc__)  # type: ignore[attr-defined]
    options: dict[str, Any] = {"name": excel_name(fn.__name__)} if server else {}
    wrapped = func(**options)(wrapped)
    if server:
        wrapped = ret(ExcelResult)(wrapped)
    for name in signature.parameters:
        # Error cells arrive as '#N/A' and so on, so they can be reported, not read as blank.
        wrapped = arg(
            name,
            ExcelArgument,
            ndim=2,
            err_to_str=True,
            doc=parameter_description(name),
        )(wrapped)
    result: Callable[..., Any] = func(**options)(wrapped)
    return result


def check_size(name: str, value: Any) -> None:
    """Refuse an argument of more cells than any function may be given, before any work."""
    if not isinstance(value, list):
        return
    cells = sum(len(r) if isinstance(r, list) else 1 for r in value)
    if cells > MAX_ARGUMENT_CELLS:
        raise InputError(
            f"{name}: the range has {cells:,} cells, over the {MAX_ARGUMENT_CELLS:,} a "
            "function may be given",
            valid="a smaller range",
        )


def unexpected(function: str, arguments: dict[str, Any]) -> str:
    """What a cell says when a function fails for a reason cpcxl did not foresee: which
    arguments it was given, never the exception's own text."""
    given = "; ".join(f"{name}: {_shape(value)}" for name, value in arguments.items())
    return (
        f"{excel_name(function)} could not be worked out from these arguments ({given}); "
        "check each is as its help describes"
    )


def _shape(value: Any) -> str:
    if isinstance(value, list):
        rows = len(value)
        columns = len(value[0]) if value and isinstance(value[0], list) else 1
        return f"a range of {rows}×{columns}" if columns > 1 else f"a range of {rows} cells"
    if value is None:
        return "blank"
    if isinstance(value, str):
        return "text " + describe(value)
    if isinstance(value, bool | int | float):
        return describe(value)
    return "a value of an unexpected kind"


def _off_the_event_loop(worksheet_function: Callable[..., Any]) -> Callable[..., Any]:
    """xlwings Server awaits coroutine functions and calls others on its event loop, where a
    long calculation (a 10,000-row range) would hold up every other cell's request; a worker
    thread keeps the server answering meanwhile. The call runs under the server's time limit
    (``CPCXL_SERVER_TIME_LIMIT``), stopped where it next checks the clock; if it does not
    stop, the cell is answered anyway a little after the limit."""
    seconds = float(os.environ.get("CPCXL_SERVER_TIME_LIMIT", DEFAULT_TIME_LIMIT))

    def limited(*args: Any, **kwargs: Any) -> Any:
        with time_limit(seconds):
            return worksheet_function(*args, **kwargs)

    @functools.wraps(worksheet_function)
    async def in_a_thread(*args: Any, **kwargs: Any) -> Any:
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(limited, *args, **kwargs), timeout=seconds + 5
            )
        except TimeoutError:
            return cell_error(f"no answer within {seconds:g} seconds, this server's time limit")

    return in_a_thread


def collect(reg: Registry, *, server: bool | None = None) -> dict[str, Callable[..., Any]]:
    """Every registered worksheet function, decorated for Excel, by name."""
    return {name: excel_function(r.item, server=server) for name, r in reg.functions.items()}
