"""The add-in's ASGI application, built from the environment, for ``cpcxl serve --workers``.

Each worker process imports this module and builds its own xlwings Server. Start it through
``cpcxl serve``, which checks the address before any worker listens.
"""

from __future__ import annotations

from .app import create_app

app = create_app().app
