"""``cpcxl serve`` with the runtime tests' sample plugin registered too (a real process)."""

from __future__ import annotations

import sys

from cpcxl.cli import main
from cpcxl.plugins import plugin_manager, refresh

from .sample_plugin import PLUGIN_NAME, RuntimeSample

if __name__ == "__main__":
    plugin_manager().register(RuntimeSample, name=PLUGIN_NAME)
    refresh()
    sys.argv = ["cpcxl", *sys.argv[1:]]
    main()
