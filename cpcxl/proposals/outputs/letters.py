"""Feedback letters for submitters, as data (CPC 506 B6-B8): the decision, the scores
against each criterion with what each score means, strengths, weaknesses, what would have
to change, the appraisal, the negotiation so far and how to resubmit. The workbook layer
writes them as Word documents; nothing here touches a file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from cpcxl.common.fields import percent_text

from .. import engine
from ..models import Decision, Evaluation, Evidence, Schedule

MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """Rows of text, the first a header; ``widths`` in centimetres; ``fills`` by (row,
    column) as hex RGB."""

    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    fills: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class PageBreak:
    pass


Part = Heading | Paragraph | Bullets | Table | PageBreak


@dataclass(frozen=True)
class Letter:
    """One submitter's feedback: ``name`` is the file's stem."""

    name: str
    title: str
    submitter: str
    parts: tuple[Part, ...]
    marking: str = MARKING


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._") or "submitter"


def _ratio(x: float) -> str:
    return "none" if x != x else f"{x:.2f}"


def schedule_text(schedule: Schedule) -> str:
    """What a discount schedule discounts at which rate (Green Book 2022, annex A6)."""
    if schedule == Schedule.STANDARD:
        return (
            "costs and benefits at the standard rate (3.5% declining), health benefits at the "
            "health rate (1.5% declining)"
        )
    return (
        "benefits at the health rate (1.5% declining), costs at the standard rate (3.5% declining)"
    )


def irr_text(rates: Sequence[float]) -> str:
    if len(rates) == 1:
        return f"{rates[0]:.0%}"
    if not rates:
        return "none"
    return (
        f"none: the net flows have {len(rates)} rates ({engine.rates_text(rates)}), so no one "
        "rate describes them; judge by the net present social value"
    )


def switching_text(value: float) -> tuple[str, str]:
    if value != value:
        return "Switching value", "none (no benefits)"
    if value < 0:
        return "Switching value: benefits would need to rise by", f"{-value:.0%}"
    return "Switching value: benefits could fall by", f"{value:.0%}"


def strengths(f: engine.Feedback, result: engine.RoundResult) -> list[str]:
    """The criteria scored in the top two points of the scale, with what the score means,
    and what the appraisal shows in the proposal's favour."""
    criteria = result.criteria
    rules = result.rules
    assert criteria is not None and rules is not None
    top = criteria.scale_max
    found = [
        f"{name}: scored {score:g} of {top:g}" + (f" ({descriptor})" if descriptor else "")
        for name, score, _, descriptor in f.scores
        if score >= top - 1
    ]
    ratio = f.appraisal["bcr"]
    if ratio == ratio and ratio >= rules.accept_bcr:
        found.append(
            f"Value for money: a benefit-cost ratio of {ratio:.2f}, at or above the "
            f"{rules.accept_bcr:g} needed for acceptance"
        )
    proposal = _proposal(f.id, result)
    strong = {
        Evidence.LOCAL_EVALUATION: "an evaluation here",
        Evidence.PUBLISHED: "a published evaluation elsewhere",
    }
    if proposal in strong:
        found.append(f"Evidence: the benefits rest on {strong[proposal]}")
    if f.in_portfolio:
        found.append("It is in the recommended portfolio: the set giving most value in budget")
    return found


def _proposal(pid: str, result: engine.RoundResult) -> Evidence | None:
    review = result.review
    evidence = review.evidence if review is not None else {}
    return evidence.get(pid)


def weaknesses(f: engine.Feedback, result: engine.RoundResult) -> list[str]:
    """The named weaknesses (CPC 506 B6), the criteria scored in the bottom two points, and
    any must-pass criterion below its pass mark."""
    criteria = result.criteria
    assert criteria is not None
    found = [f"{w.name}: {w.detail}" for w in f.weaknesses]
    marks = {c.name: c for c in criteria.criteria}
    for name, score, _, descriptor in f.scores:
        c = marks[name]
        if c.must_pass and c.pass_mark is not None and score < c.pass_mark:
            found.append(
                f"{name}: scored {score:g}, below the pass mark of {c.pass_mark:g} every "
                "proposal must reach"
            )
        elif score <= criteria.scale_min + 1:
            found.append(
                f"{name}: scored {score:g} of {criteria.scale_max:g}"
                + (f" ({descriptor})" if descriptor else "")
            )
    return found


def _scores_table(f: engine.Feedback, result: engine.RoundResult) -> Table:
    criteria = result.criteria
    assert criteria is not None
    review = result.review
    comments = review.comments if review is not None else {}
    rows = [
        (
            "Criterion",
            "Weight",
            f"Score (of {criteria.scale_max:g})",
            "What the score means",
            "Panel's comment",
        )
    ]
    for name, score, weight, descriptor in f.scores:
        rows.append(
            (
                name,
                percent_text(round(weight, 4)),
                f"{score:g}",
                descriptor or "-",
                comments.get((f.id, name), "") or "-",
            )
        )
    return Table(tuple(rows), (4.0, 1.8, 1.9, 5.3, 4.0))


def _appraisal_table(f: engine.Feedback, result: engine.RoundResult) -> Table:
    a = f.appraisal
    payback = (
        "not within the period"
        if a["payback_year"] != a["payback_year"]
        else f"year {a['payback_year']:.0f}"
    )
    rows = [
        ("Measure", "Value"),
        ("Optimism bias added to capital costs", percent_text(round(a["optimism_bias"], 4))),
        (
            "Optimism bias added to revenue costs",
            percent_text(round(a["operating_optimism_bias"], 4)),
        ),
        ("Present value of costs (with optimism bias)", engine.money(a["pv_costs"])),
        ("Present value of benefits", engine.money(a["pv_benefits"])),
        *(
            [("of which health benefits", engine.money(a["pv_health_benefits"]))]
            if a["pv_health_benefits"]
            else []
        ),
        ("Net present social value", engine.money(a["npsv"])),
        ("Benefit-cost ratio", _ratio(a["bcr"])),
        ("Internal rate of return", irr_text(f.irr_rates)),
        ("Discounted payback", payback),
        switching_text(a["benefit_switching"]),
    ]
    return Table(tuple(rows), (9.0, 8.0))


def _change(f: engine.Feedback) -> tuple[str, list[str]]:
    if f.decision == Decision.AMEND:
        return "What would have to change for Amend to become Accept", list(f.reasons)
    if f.decision == Decision.REJECT:
        return "Why it was rejected, and what would have to change", list(f.reasons)
    return "Why it was accepted", list(f.reasons)


def _negotiation(f: engine.Feedback, result: engine.RoundResult) -> list[Part]:
    review = result.review
    if review is None:
        return []
    for n in review.renegotiated:
        if n.amended is not None and n.amended.id == f.id:
            o = n.original
            rows = [
                ("Measure", f"Original ({o.id})", f"Amended ({f.id})"),
                (
                    "Net present social value",
                    engine.money(o.appraisal["npsv"]),
                    engine.money(f.appraisal["npsv"]),
                ),
                ("Benefit-cost ratio", _ratio(o.appraisal["bcr"]), _ratio(f.appraisal["bcr"])),
                ("Weighted score", f"{o.weighted_score:.2f}", f"{f.weighted_score:.2f}"),
                ("Decision", o.decision.value, f.decision.value),
            ]
            return [
                Heading("Your resubmission", 2),
                Paragraph(
                    f"We asked for these amendments to {o.id}: {n.amendment.requested} "
                    f"The resubmission {f.id} has been evaluated again against the same "
                    "criteria; the original and the amended figures are below."
                ),
                Table(tuple(rows), (6.0, 5.5, 5.5)),
            ]
    return []


def _resubmit(f: engine.Feedback, result: engine.RoundResult) -> list[Part]:
    review = result.review
    if f.decision == Decision.ACCEPT or review is None:
        return []
    when = (
        f" by {review.resubmit_by.strftime('%d %B %Y').lstrip('0')}"
        if review.resubmit_by is not None
        else ""
    )
    text = review.how_to_resubmit.strip()
    return [
        Heading("How to resubmit", 2),
        Paragraph(f"You may resubmit{when}. {text}"),
    ]


def proposal_parts(f: engine.Feedback, result: engine.RoundResult) -> list[Part]:
    """The part of a letter about one proposal."""
    criteria = result.criteria
    rules = result.rules
    assert criteria is not None and rules is not None
    review = result.review
    heading, why = _change(f)
    parts: list[Part] = [
        Heading(f"Proposal {f.id}: {f.title}", 1),
        Paragraph(
            f"Term: {f.term.lower()}. Evaluation: {rules.evaluation.value.lower()} ("
            + (
                "against thresholds"
                if rules.evaluation == Evaluation.ABSOLUTE
                else "ranked against the other proposals"
            )
            + ")."
        ),
        Paragraph(f"Decision: {f.decision.value}", bold=True),
        Heading("Scores against each criterion", 2),
        _scores_table(f, result),
        Paragraph(
            f"Weighted score: {f.weighted_score:.2f} of {criteria.scale_max:g} "
            f"({f.score_share:.0%}); weights {criteria.weights_from}."
        ),
        Heading("Strengths", 2),
        Bullets(tuple(strengths(f, result) or ["No criterion was scored in the top two points."])),
        Heading("Weaknesses", 2),
        Bullets(tuple(weaknesses(f, result) or ["None was found."])),
        Heading(heading, 2),
        Bullets(tuple(why), numbered=True),
        Heading("The appraisal", 2),
        Paragraph(
            "HM Treasury Green Book appraisal in real prices"
            + (f" of {year_label(review.base_year)}" if review and review.base_year else "")
            + f", {result.schedule.value} discount schedule: {schedule_text(result.schedule)}."
        ),
        _appraisal_table(f, result),
    ]
    if f.rank is not None:
        parts.append(Paragraph(f"Rank among the eligible proposals: {f.rank}."))
    if result.portfolio is not None:
        parts.append(
            Paragraph(
                "In the recommended portfolio."
                if f.in_portfolio
                else f"Not in the recommended portfolio: {result.portfolio.left_out.get(f.id, '')}"
            )
        )
    parts += _negotiation(f, result)
    parts += _resubmit(f, result)
    return parts


def year_label(year: int) -> str:
    from ..models import year_text

    return year_text(year)


def feedback_letters(result: engine.RoundResult) -> list[Letter]:
    """One letter per submitter (the sponsor named on the Proposals sheet; a proposal with
    none has a letter of its own), one section per proposal, in the order submitted."""
    groups: dict[str, list[engine.Feedback]] = {}
    for f in result.feedback:
        key = f.sponsor.strip() or f"proposal {f.id}"
        groups.setdefault(key, []).append(f)
    out = []
    used: set[str] = set()
    for submitter, items in groups.items():
        parts: list[Part] = []
        for n, f in enumerate(items):
            if n:
                parts.append(PageBreak())
            parts += proposal_parts(f, result)
        ids = ", ".join(f.id for f in items)
        stem = f"feedback_{_safe_name(items[0].sponsor.strip() or items[0].id)}"
        name, n = stem, 1
        while name.lower() in used:  # two sponsors whose names differ only in punctuation
            n += 1
            name = f"{stem}_{n}"
        used.add(name.lower())
        out.append(
            Letter(
                name=name,
                title=f"Feedback on your proposal{'s' if len(items) > 1 else ''} {ids}",
                submitter=submitter,
                parts=tuple(parts),
            )
        )
    return out
