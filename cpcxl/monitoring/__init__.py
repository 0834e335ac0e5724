"""Provider monitoring: scores, ratings, KPI RAG, summaries and batch generation (CPC 305)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cpcxl import hookimpl

if TYPE_CHECKING:
    import click

    from cpcxl.plugins import Demo, Scheme, WorkbookTemplate


@hookimpl
def register_functions() -> Sequence[Callable[..., Any]]:
    from .excel import cpc_kpi_rag, cpc_monitoring_rating, cpc_monitoring_score, cpc_overall_rating

    return [cpc_monitoring_score, cpc_monitoring_rating, cpc_overall_rating, cpc_kpi_rag]


@hookimpl
def register_scripts() -> Sequence[Callable[..., None]]:
    from .excel import build_summary

    return [build_summary]


@hookimpl
def register_workbooks() -> Sequence[WorkbookTemplate]:
    from cpcxl.plugins import WorkbookTemplate

    from .workbook import TEMPLATE_FILE, TEMPLATE_NAME, build_template

    return [
        WorkbookTemplate(
            name=TEMPLATE_NAME,
            filename=TEMPLATE_FILE,
            title="Provider monitoring return (one provider, one round)",
            build=build_template,
        )
    ]


@hookimpl
def register_schemes() -> Sequence[Scheme]:
    from .schemes import BUILT_IN

    return list(BUILT_IN)


@hookimpl
def register_commands(cli: click.Group) -> None:
    from .cli import monitoring

    cli.add_command(monitoring)


@hookimpl
def register_demos() -> Sequence[Demo]:
    from cpcxl.plugins import Demo

    from .cli import run_demo

    return [
        Demo(
            name="monitoring",
            title="Provider monitoring: 40 sample returns to summaries and a portfolio overview",
            run=run_demo,
        )
    ]
