"""`cpcxl proposals ...`: evaluate a filled workbook and write feedback for each submitter."""

from __future__ import annotations

import re
from pathlib import Path

import click

from cpcxl.common.files import write_bytes_atomically

from . import engine
from .workbook import build, evaluate, write_results


def feedback_document(f: engine.Feedback, result: engine.RoundResult) -> str:
    """One submitter's feedback: decision, reasons, scores against each criterion, appraisal."""
    a = f.appraisal
    criteria = result.criteria
    assert criteria is not None
    top = f"{criteria.scale_max:g}"

    def ratio(x: float) -> str:
        return "none" if x != x else f"{x:.2f}"

    def share(x: float) -> str:
        return "none" if x != x else f"{x:.0%}"

    lines = [
        f"# Feedback on proposal {f.id}: {f.title}",
        "",
        f"Sponsor: {f.sponsor or 'not given'}. Term: {f.term.lower()}.",
        "",
        f"## Decision: {f.decision.value}",
        "",
        *(f"{n}. {text}" for n, text in enumerate(f.reasons, start=1)),
        "",
        "## Scores against each criterion",
        "",
        f"| Criterion | Weight | Score (of {top}) | What the score means |",
        "|---|---|---|---|",
        *(
            f"| {name} | {weight:.0%} | {score:g} | {descriptor or '-'} |"
            for name, score, weight, descriptor in f.scores
        ),
        "",
        f"Weighted score: {f.weighted_score:.2f} of {top} ({f.score_share:.0%}).",
        "",
        "## Appraisal (HM Treasury Green Book, real terms, "
        f"{result.schedule.value} discount schedule)",
        "",
        "| Measure | Value |",
        "|---|---|",
        f"| Optimism bias added to costs | {a['optimism_bias']:.0%} |",
        f"| Present value of costs (with optimism bias) | {engine.money(a['pv_costs'])} |",
        f"| Present value of benefits | {engine.money(a['pv_benefits'])} |",
        f"| Net present social value | {engine.money(a['npsv'])} |",
        f"| Benefit-cost ratio | {ratio(a['bcr'])} |",
        f"| Internal rate of return | {share(a['irr'])} |",
        "| Discounted payback | "
        + (
            "not within the period"
            if a["payback_year"] != a["payback_year"]
            else f"year {a['payback_year']:.0f}"
        )
        + " |",
        _switching(a["benefit_switching"]),
        "",
    ]
    if f.rank is not None:
        lines.append(f"Rank among eligible proposals: {f.rank}.")
    if result.portfolio is not None:
        lines.append(
            "In the recommended portfolio."
            if f.in_portfolio
            else f"Not in the recommended portfolio: {result.portfolio.left_out.get(f.id, '')}"
        )
    return "\n".join(lines) + "\n"


def _switching(value: float) -> str:
    """The switching value as a sentence: how far benefits can fall, or must rise."""
    if value != value:
        return "| Switching value | none (no benefits) |"
    if value < 0:
        return f"| Switching value: benefits would need to rise by | {-value:.0%} |"
    return f"| Switching value: benefits could fall by | {value:.0%} |"


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._") or "proposal"


def write_feedback(result: engine.RoundResult, out_dir: Path) -> list[Path]:
    """One Markdown document per proposal, each written atomically."""
    written = []
    for f in result.feedback:
        target = out_dir / f"feedback_{_safe_name(f.id)}.md"
        write_bytes_atomically(target, feedback_document(f, result).encode("utf-8"))
        written.append(target)
    return written


@click.group("proposals")
def proposals() -> None:
    """Expenditure proposal evaluation (CPC 506 B)."""


@proposals.command("feedback")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the feedback documents.",
)
def feedback_command(workbook: Path, out_dir: Path) -> None:
    """Write one feedback document per proposal in WORKBOOK."""
    from cpcxl.common.workbook import read_sheets

    result = evaluate(read_sheets(workbook), file=workbook.name)
    for path in write_feedback(result, out_dir):
        click.echo(f"wrote {path}")


@proposals.command("evaluate")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the evaluated copy (the input is unchanged).",
)
def evaluate_command(workbook: Path, target: Path) -> None:
    """Write a copy of WORKBOOK with the Appraisal, Scores, Ranking, Portfolio and Feedback."""
    write_results(workbook, target)
    click.echo(f"wrote {target}")


def run_demo(out_dir: Path) -> list[Path]:
    """A sample round for an adult social care directorate, evaluated, with feedback."""
    from .sample import sample_round

    source = build(out_dir / "adult_social_care_round.xlsx", sample_round())
    evaluated = out_dir / "adult_social_care_round_evaluated.xlsx"
    result = write_results(source, evaluated)
    return [source, evaluated, *write_feedback(result, out_dir / "feedback")]
