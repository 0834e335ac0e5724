"""The one module Excel loads: every plugin's worksheet functions.

Desktop Excel imports it through ``UDF Modules = cpcxl.xl.udfs``; xlwings Server imports the
same functions through the add-in's ``custom_functions`` package (``addin/``). How each is
made a worksheet function is in ``cpcxl.xl.worksheet``.
"""

from __future__ import annotations

from cpcxl.plugins import registry
from cpcxl.xl.worksheet import collect

_functions = collect(registry())
globals().update(_functions)
__all__ = sorted(_functions)
