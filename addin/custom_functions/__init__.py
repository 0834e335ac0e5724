"""xlwings Server imports this package for the worksheet functions: every cpcxl plugin's.

Nothing is defined here; the functions come from the plugin registry as cpcxl.xl.udfs collects them,
decorated for xlwings Server (names CPC.<NAME> inside the manifest's CPC namespace).
"""

from cpcxl.plugins import registry
from cpcxl.xl.worksheet import collect

_functions = collect(registry(), server=True)
globals().update(_functions)
__all__ = sorted(_functions)
