"""The functions and scripts the server under test serves: the registry's and the sample's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cpcxl.plugins import registry
from cpcxl.server.officejs import (  # noqa: F401  (re-exported for the tests)
    arguments_sent,
    call_body,
    result_received,
)

from . import sample_plugin


def functions() -> dict[str, Callable[..., Any]]:
    """Every worksheet function the server under test serves: the registry's and the sample's."""
    found = {name: r.item for name, r in registry().functions.items()}
    for fn in sample_plugin.RuntimeSample.register_functions():
        found[fn.__name__] = fn
    return found


def scripts() -> dict[str, Callable[..., None]]:
    found = {name: r.item for name, r in registry().scripts.items()}
    for fn in sample_plugin.RuntimeSample.register_scripts():
        found[fn.__name__] = fn
    return found
