"""The guide and the code say where every default comes from (issue 13, case 17)."""

from __future__ import annotations

import re
from pathlib import Path

from cpcxl.budget import inputs

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "budget.md"
CODE = Path(inputs.__file__).resolve().parents[1]


def defaults_table() -> list[list[str]]:
    """The rows of the guide's "Defaults and where they come from" table, as cells."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Defaults and where they come from", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    return [r for r in cells[1:] if not set(r[0]) <= {"-"}]


def test_issue_13_case_17_every_default_in_the_guide_says_its_source_or_that_it_is_local() -> None:
    # Each default states its source and year, or says plainly it is a local choice.
    rows = defaults_table()
    assert len(rows) >= 15
    for default, _value, why in rows:
        sourced = re.search(r"\b(19|20)\d\d\b", why)  # a source names its year
        assert "local choice" in why or sourced, f"{default!r} says neither: {why!r}"


def test_issue_13_case_17_no_unsourced_claim_of_usual_practice() -> None:
    # "pro rata is the usual Section 75 term" had no source: it is gone from the guide, the
    # Arrangement's notes (what the workbook shows) and the code.
    texts = {GUIDE.name: GUIDE.read_text(encoding="utf-8")}
    texts.update({str(p): p.read_text(encoding="utf-8") for p in CODE.rglob("*.py")})
    for name, text in texts.items():
        assert not re.search(r"\busual", text, re.IGNORECASE), f"{name} claims usual practice"


def test_issue_13_case_17_every_blank_default_in_the_workbook_says_it_is_a_local_choice() -> None:
    # What the officer sees beside each setting and in each column's prompt: a blank that
    # reads as a default says so ("blank: £0 (a local choice)").
    notes = [s.note for s in inputs.ARRANGEMENT.settings if "blank:" in s.note.lower()]
    prompts = [
        c.prompt or ""
        for spec in inputs.TABLES.values()
        for c in spec.columns
        if c.default is not None and not c.output
    ]
    assert len(notes) >= 4 and len(prompts) >= 3
    for text in [*notes, *prompts]:
        assert "local choice" in text, f"{text!r} does not say where its default comes from"
