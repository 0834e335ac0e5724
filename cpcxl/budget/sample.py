"""The demonstration on the illustrative example (:mod:`cpcxl.budget.inputs.example`): the
packaged workbook filled in with it, built, reported and settled."""

from __future__ import annotations

import os
from pathlib import Path

from cpcxl.plugins import Demo


def sample_workbook(folder: str | os.PathLike[str]) -> Path:
    """The packaged workbook, filled in with this example, written into ``folder``."""
    from .workbook import TEMPLATE

    return TEMPLATE.build(Path(folder) / TEMPLATE.filename)


def run_demo(out_dir: Path) -> list[Path]:
    """The illustrative Better Care Fund-like pool: the workbook, built (with its month-end
    report and BCF checks), the month-end report on its own, and the partners' statements."""
    from . import engine
    from .workbook import (
        build_result,
        build_template,
        write_outputs,
        write_report,
        write_statements,
    )

    out_dir = Path(out_dir)
    source = build_template(out_dir / "pooled_budget_sample.xlsx")
    built, result = write_outputs(source, out_dir / "pooled_budget_sample_built.xlsx")
    report, _ = write_report(source, out_dir / "month_end_report_sample.xlsx")
    inputs, _, scenarios = build_result(source)
    comparison = engine.compare_scenarios(inputs, scenarios)
    statements = write_statements(result, out_dir / "statements", comparison=comparison)
    return [source, built, report, *statements]


DEMO = Demo(
    name="budget",
    title="A Better Care Fund-like pool: four partners, three years, monitored monthly",
    run=run_demo,
)
