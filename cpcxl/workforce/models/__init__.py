"""Workforce planning vocabulary (CPC 505 A-C), what each value may be, and the assumptions.

One rule for rates and shares: a rate is a fraction, as Excel stores a cell formatted as a
percentage (22% is 0.22). Each rate below declares the range it is plausible in and why; a
value outside it is refused with what it was read as and what was probably meant ("22 is
2,200%, ...; type 22% (or 0.22)"). The same declarations serve the input tables, the
Assumptions sheet, the worksheet functions and the :class:`Assumptions` model itself.
"""

from __future__ import annotations

from .assumptions import *  # noqa: F403
from .core import *  # noqa: F403
from .development import *  # noqa: F403
from .pay import *  # noqa: F403
