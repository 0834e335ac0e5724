"""xlwings Server imports this package for the button scripts: every cpcxl plugin's.

Nothing is defined here; the scripts come from the plugin registry through cpcxl.xl.scripts.
"""

from cpcxl.plugins import registry
from cpcxl.xl.scripts import collect

_scripts = collect(registry(), server=True)
globals().update(_scripts)
__all__ = sorted(_scripts)
