"""``cpcxl risk ...`` commands and the demonstration."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def risk() -> None:
    """Risk registers: score, import from other layouts."""


def run_demo(out_dir: Path) -> list[Path]:
    return []
