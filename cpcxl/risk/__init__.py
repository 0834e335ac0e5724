"""Risk registers: scoring on a named matrix, appetite flags, summaries and £ exposure.

Built on CPC 507 (risk awareness) and CPC 306 A2 (assessing the risks of non-compliance).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from cpcxl import hookimpl
from cpcxl.plugins import Demo, Scheme, WorkbookTemplate


@hookimpl
def register_functions() -> Sequence[Any]:
    from .excel import cpc_risk_exposure, cpc_risk_heatmap, cpc_risk_rating, cpc_risk_score

    return [cpc_risk_score, cpc_risk_rating, cpc_risk_heatmap, cpc_risk_exposure]


@hookimpl
def register_scripts() -> Sequence[Any]:
    from .excel import score_register

    return [score_register]


@hookimpl
def register_workbooks() -> Sequence[WorkbookTemplate]:
    from .workbook import FILENAME, TITLE, build_template

    return [WorkbookTemplate("risk_register", FILENAME, TITLE, build_template)]


@hookimpl
def register_schemes() -> Sequence[Scheme]:
    from .schemes import BUILT_IN

    return list(BUILT_IN)


@hookimpl
def register_commands(cli: click.Group) -> None:
    from .cli import risk

    cli.add_command(risk)


@hookimpl
def register_demos() -> Sequence[Demo]:
    from .cli import run_demo

    return [Demo("risk", "Risk register: a sample register of 60 risks, scored", run_demo)]
