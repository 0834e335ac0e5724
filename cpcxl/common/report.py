"""Output sheets described once, written by either renderer.

A capability turns engine results into :class:`SheetOutput` objects (pure data). The button
script writes them into the open workbook through xlwings (``cpcxl.xl.render``); the CLI,
batch and demo write them into files through openpyxl (``cpcxl.common.workbook.render``).
So a summary looks the same whether an officer pressed a button or ran a batch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .tables import values_from_frame


@dataclass(frozen=True)
class Block:
    """A rectangle of values whose top-left cell is ``row``/``column`` (1-based).

    A ``title`` goes in bold on the row above ``row``.
    """

    values: Sequence[Sequence[Any]]
    row: int = 1
    column: int = 1
    title: str | None = None
    header: bool = True  # first row of values is a header row
    #: number format by 0-based column offset, applied to the body rows
    formats: Mapping[int, str] = field(default_factory=dict)
    #: background colour (hex RGB) by (row offset, column offset) within ``values``
    fills: Mapping[tuple[int, int], str] = field(default_factory=dict)

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        row: int = 1,
        column: int = 1,
        title: str | None = None,
        formats: Mapping[str, str] | None = None,
        fills: Mapping[tuple[int, int], str] | None = None,
    ) -> Block:
        values = values_from_frame(frame)
        by_offset = {i: formats[h] for i, h in enumerate(values[0]) if formats and h in formats}
        return cls(values, row, column, title, True, by_offset, dict(fills or {}))

    @property
    def height(self) -> int:
        return len(self.values) + (1 if self.title else 0)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.values), default=0)


@dataclass(frozen=True)
class SheetOutput:
    """One sheet a script or report writes; ``replace`` clears the sheet first."""

    name: str
    blocks: Sequence[Block]
    widths: Mapping[str, float] = field(default_factory=dict)  # column letter -> width
    replace: bool = True
    freeze: str | None = None


def stack(*parts: Block | pd.DataFrame, gap: int = 1, column: int = 1) -> list[Block]:
    """Blocks placed one under another in ``column``, with ``gap`` empty rows between them."""
    placed: list[Block] = []
    row = 1
    for part in parts:
        block = part if isinstance(part, Block) else Block.from_frame(part)
        top = row + (1 if block.title else 0)
        placed.append(dataclasses.replace(block, row=top, column=column))
        row = top + len(block.values) + gap
    return placed
