"""What every monitoring report shares: the organisation's settings, the colours of ratings
and RAG, and small helpers for cells. Pure data, no file access."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cpcxl.common import formats
from cpcxl.common.report import Block, SheetOutput

from .. import engine

RATING_FILLS = (formats.RED, formats.AMBER, formats.GREEN, "9BC2E6")
RAG_FILLS = {engine.RED: formats.RED, engine.AMBER: formats.AMBER, engine.GREEN: formats.GREEN}

DEFAULT_CHALLENGE = (
    "If the provider disagrees with the outcome of this monitoring, it may challenge it. "
    "Write to the contracts team within 28 days of receiving this summary, saying which "
    "findings are challenged and why, with any evidence. A manager who took no part in this "
    "monitoring will review the findings and reply in writing within 28 days. The challenge "
    "does not delay action on safeguarding concerns, and does not affect the disputes "
    "procedure in the contract."
)
#: How a person kept informed raises a concern (a local choice: name your own contact).
DEFAULT_CONTACT = (
    "To raise a concern about this service, contact the commissioning team. If you think "
    "someone is at risk of harm, contact the council's adult safeguarding team at once."
)


@dataclass(frozen=True)
class ReportSettings:
    """What an organisation sets once: its name, the protective marking, its challenge text,
    and how people kept informed can raise a concern.

    Every default is a local choice to set: the name is a placeholder; the marking follows
    the Government Security Classifications Policy (Cabinet Office); the challenge text's
    28 days are cpcxl's, for CPC 305 C8 / P31 ask for a procedure, not its timescale.
    """

    organisation: str = "The commissioning organisation"
    marking: str = "OFFICIAL-SENSITIVE"
    challenge_text: str = DEFAULT_CHALLENGE
    contact_text: str = DEFAULT_CONTACT


#: The settings when an organisation has set none.
DEFAULT_SETTINGS = ReportSettings()


def text_of(value: Any) -> str | None:
    return str(value) if value is not None else None


def rating_fill(level: int | None) -> str | None:
    return RATING_FILLS[level] if level is not None and level >= 0 else None


def wrap(text: str, width: int) -> list[str]:
    """Paragraph text as lines of about ``width`` characters, so it prints on A4."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def cell(value: Any) -> Any:
    """A frame's value as a cell takes it: no NaN, NaT or numpy scalars."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def block_titled(output: SheetOutput, title: str) -> Block | None:
    """The block of a sheet whose title starts with ``title``."""
    for block in output.blocks:
        if block.title and block.title.startswith(title):
            return block
    return None


def date_text(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""
