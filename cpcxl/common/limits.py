"""How much work one request may ask for, and the clock that stops a calculation past its time.

Every argument that sizes work has an upper bound checked before any work is done (the cells
in a range here; years, iterations and rows beside the functions that take them), and a call
that runs past its time limit is stopped where it next checks the clock (:func:`check_time`)
and answered with an error. The bounds are local choices, set well above any real register,
budget or appraisal, and stated in ``docs/excel.md``.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator

from .errors import CpcxlError

#: Cells one argument of a worksheet function may hold: a 100,000-row, two-column range
#: (a local limit; the largest register or budget table is tens of thousands of rows).
MAX_ARGUMENT_CELLS = 200_000
#: Seconds one worksheet-function call may take on the add-in server (a local choice: Excel
#: waits for the answer, and no cpcxl function needs more than a few seconds).
DEFAULT_TIME_LIMIT = 30.0

_deadline: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar(
    "cpcxl_deadline", default=None
)


class TimeLimitExceeded(CpcxlError):
    """A calculation ran past its time limit and was stopped."""


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Within the block, :func:`check_time` stops the calculation after ``seconds``."""
    if seconds is None:
        yield
        return
    token = _deadline.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def check_time() -> None:
    """Raise :class:`TimeLimitExceeded` if the current call's time is up; cheap to call."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline[0]:
        raise TimeLimitExceeded(
            f"stopped after {deadline[1]:g} seconds, this server's time limit for one call; "
            "give it a smaller range or fewer iterations"
        )
