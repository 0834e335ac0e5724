"""cpcxl: Excel tooling for public-sector commissioning, procurement and contracting teams."""

import pluggy

__version__ = "0.1.0"

#: Marks a plugin's hook implementations: ``@cpcxl.hookimpl def register_functions(): ...``
hookimpl = pluggy.HookimplMarker("cpcxl")

__all__ = ["__version__", "hookimpl"]
