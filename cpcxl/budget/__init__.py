"""Pooled and aligned budgets (CPC 509, CPC 501 B3-B4): each partner's part identifiable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from cpcxl import hookimpl
from cpcxl.plugins import Demo, WorkbookTemplate


@hookimpl
def register_functions() -> Sequence[Any]:
    from .excel import cpc_pool_shares, cpc_pool_summary, cpc_risk_share, cpc_uplift

    return [cpc_pool_shares, cpc_risk_share, cpc_pool_summary, cpc_uplift]


@hookimpl
def register_scripts() -> Sequence[Any]:
    from .excel import build_budget

    return [build_budget]


@hookimpl
def register_workbooks() -> Sequence[WorkbookTemplate]:
    from .workbook import TEMPLATE

    return [TEMPLATE]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from .cli import budget

    cli.add_command(budget)


@hookimpl
def register_demos() -> Sequence[Demo]:
    from .cli import DEMO

    return [DEMO]
