"""Every capability guide shows `IFERROR` catching one of its own functions' bad cells, and
the example is true: the cell, sent as the Office add-in sends it, comes back as an Excel
error value (which `IFERROR` replaces by its fallback, as Excel documents), not as text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cpcxl.plugins import registry

from .checks import CALL
from .conftest import ROOT
from .excel import arguments_sent, call_body, functions

#: `=IFERROR(CPC.NAME(arguments), "fallback")` gives `fallback`, with literal arguments only.
EXAMPLE = re.compile(r'`=IFERROR\(CPC\.(\w+)\(([^`]*)\), "([^"]+)"\)` gives\s+`([^`]+)`')
CAPABILITIES = sorted({r.plugin for r in registry().functions.values()})


def literal(text: str) -> Any:
    """One formula argument as Excel evaluates it: a number, "text", TRUE/FALSE or {a,b}."""
    text = text.strip()
    if text.startswith("{"):
        return [literal(part) for part in text[1:-1].split(",")]
    if text.startswith('"'):
        return text[1:-1]
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE"
    return float(text) if "." in text else int(text)


def arguments(text: str) -> tuple[Any, ...]:
    """The arguments split at the commas outside braces and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(text):
        quoted ^= char == '"'
        depth += (char == "{") - (char == "}")
        if char == "," and not depth and not quoted:
            parts.append(text[start:i])
            start = i + 1
    return tuple(literal(p) for p in [*parts, text[start:]])


def examples(plugin: str) -> list[tuple[str, tuple[Any, ...]]]:
    guide = " ".join((ROOT / "docs" / f"{plugin}.md").read_text().split())
    found = []
    for name, args, fallback, gives in EXAMPLE.findall(guide):
        if re.search(r"\b[A-Z]{1,3}\d+\b", re.sub(r'"[^"]*"', "", args)):
            continue  # cells (C2:C50), not a literal example
        assert gives == fallback, f"docs/{plugin}.md: IFERROR(..., {fallback!r}) gives {gives!r}"
        found.append((f"cpc_{name.lower()}", arguments(args)))
    return found


@pytest.mark.parametrize("plugin", CAPABILITIES)
def test_each_guide_shows_iferror_catching_a_bad_cell_of_its_own(
    client: TestClient, plugin: str
) -> None:
    cases = examples(plugin)
    assert cases, f"docs/{plugin}.md has no IFERROR example with literal arguments"
    own = {name for name, r in registry().functions.items() if r.plugin == plugin}
    for name, args in cases:
        assert name in own, f"docs/{plugin}.md's IFERROR example calls {name}, not its own"
        response = client.post(
            CALL, json=call_body(name, arguments_sent(functions()[name], args, ""))
        )
        assert response.status_code == 200, response.text
        (cell,), *rest = response.json()["result"]
        assert not rest, f"{name}{args}: one cell expected"
        # An error value with its reason: IFERROR gives the fallback; text would pass through.
        assert isinstance(cell, dict) and cell["type"] == "Error", f"{name}{args} gave {cell!r}"
        assert cell["errorType"] == "Value" and cell["message"], cell
