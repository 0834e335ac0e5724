"""What a scored register shows, as pure SheetOutputs: the Register's worked-out columns, the
heat-map blocks, the Summary's problems and notes, and the import's report."""

from __future__ import annotations

import datetime as dt

import numpy as np

from cpcxl.common.errors import InputErrors
from cpcxl.common.inputs import Cells
from cpcxl.risk import engine, inputs, outputs
from cpcxl.risk.schemes import NHS_5X5

from .registers import HEADER, row

AS_OF = dt.date(2026, 6, 1)


def test_a_heat_map_block_has_likelihood_five_on_top_and_each_cell_its_bands_colour() -> None:
    grid = np.zeros((5, 5), dtype=int)
    grid[0, 4] = 2  # two risks at likelihood 5, impact 5
    block = outputs.heat_map_block(grid, NHS_5X5, "Inherent", row=3, column=2)
    assert (block.row, block.column, block.title) == (3, 2, "Inherent")
    assert block.values[0] == ["Likelihood / Impact", "1 Negligible", "2 Minor", "3 Moderate",
                               "4 Major", "5 Catastrophic"]  # fmt: skip
    assert block.values[1] == ["5 Almost certain", 0, 0, 0, 0, 2]
    assert block.values[5][0] == "1 Rare"
    # 5 × 5 = 25 is Extreme (FFC7CE); 1 × 1 = 1 Low (C6EFCE); 3 × 3 = 9 High (F8CBAD).
    assert block.fills[(1, 5)] == "FFC7CE" and block.fills[(5, 1)] == "C6EFCE"
    assert block.fills[(3, 3)] == "F8CBAD"


def test_the_score_grid_is_likelihood_times_impact_highest_likelihood_first() -> None:
    grid = outputs.score_grid(NHS_5X5)
    assert grid[0].tolist() == [5, 10, 15, 20, 25] and grid[4].tolist() == [1, 2, 3, 4, 5]


def read(*rows: list[object]) -> inputs.Register:
    # As an Excel Table from row 5 with two blank rows left at its foot.
    errors = InputErrors()
    body = [*rows, [None] * len(HEADER), [None] * len(HEADER)]
    register = inputs.read_register(Cells([HEADER, *body], first_row=5, exact=True), NHS_5X5,
                                    errors)  # fmt: skip
    assert register is not None
    return register


def test_the_registers_flags_say_what_to_check_first_and_clear_the_blank_rows() -> None:
    register = read(
        row("R1", **{"Residual impact": 4, "Next review": "01/05/2026"}),
        row("R2", **{"Residual likelihood": "likley"}),
    )
    scored = engine.score_register(register.risks, NHS_5X5, as_of=AS_OF)
    output = outputs.register_output(scored, register)
    assert (output.name, output.replace) == ("Register", False)
    # The test header has no Flags or Movement column: nothing to write into.
    assert output.blocks == []
    header = [*HEADER, "Movement", "Flags"]
    r1 = row("R1", **{"Residual impact": 4, "Next review": "01/05/2026"})
    r2 = row("R2", **{"Residual likelihood": "likley"})
    blank = [None] * len(header)
    cells = Cells([header, [*r1, None, None], [*r2, None, None], blank, blank], 5, exact=True)
    register = inputs.read_register(cells, NHS_5X5, InputErrors())
    assert register is not None
    scored = engine.score_register(register.risks, NHS_5X5, as_of=AS_OF)
    flags, movement = outputs.register_output(scored, register).blocks
    # Movement is column S (19), Flags T (20); the body is rows 6 to 9, blanks cleared.
    assert (movement.column, flags.column, flags.row, flags.header) == (19, 20, 6, False)
    assert flags.values == [
        # R1: Financial loss, Cautious up to 9; residual 3 × 4 = 12 above it and above the
        # target 2 × 3 = 6; due 01/05/2026, before 01/06/2026.
        ["Above appetite (Cautious: up to 9); Above target (6); Review overdue (due 01/05/2026)"],
        # R2: the misspelt rating first, then its flags on what could be read (inherent 4 × 4
        # = 16 is its current score, above 9 and above the target 6).
        ["Check Residual likelihood: 'likley' is not a likelihood; did you mean 'Likely'?; "
         "valid: 1 to 5, or Rare, Unlikely, Possible, Likely, Almost certain; Above appetite "
         "(Cautious: up to 9); Above target (6)"],
        [None],
        [None],
    ]  # fmt: skip
    # R1 was 9 at its last review and is 12 now; R2's current 16 is above its 9.
    assert movement.values == [["Increased"], ["Increased"], [None], [None]]


def test_the_summary_lists_every_problem_and_how_the_tables_were_read() -> None:
    register = read(row("R1", **{"Residual likelihood": "likley"}))
    register.problems.note("Register: read the header 'Ref' as 'Risk ID'")
    appetite = engine.default_appetite(NHS_5X5)
    book = inputs.RegisterBook(NHS_5X5, appetite, AS_OF, register)
    result = engine.assess(register.risks, NHS_5X5, appetite, as_of=AS_OF)
    summary = outputs.summary_output(result, book)
    titles = [b.title for b in summary.blocks]
    assert titles[-2:] == ["Problems to fix", "How the tables were read"]
    problems, notes = summary.blocks[-2:]
    assert problems.values[1][0].startswith("Register!H6, field 'Residual likelihood': 'likley'")
    assert notes.values == [["Note"], ["Register: read the header 'Ref' as 'Risk ID'"]]
    assert summary.blocks[0].values[1][0] == (
        "1 open risks of 1; reviews due as of 01/06/2026; matrix nhs-5x5; problems to fix: 1"
    )
    # No risk has a £ estimate: the exposure of nothing is £0 throughout.
    exposure_block = next(b for b in summary.blocks if (b.title or "").startswith("Quantified"))
    assert exposure_block.title == "Quantified exposure (0 risks, 10,000 iterations)"
    assert [r[1] for r in exposure_block.values[1:]] == [0, 0, 0, 0, 0]


def test_the_import_report_says_what_was_mapped_left_out_and_not_read() -> None:
    sheets = {
        "Risks": [
            ["Ref", "Likelihood", "Impact", "RAG", "Notes"],
            ["R1", "Likley", 3, "Amber", "seen"],
        ]
    }
    imported = inputs.import_register(sheets, file="theirs.xlsx")
    # Issue 15: the report is one table, a row per header found: what it was read as and why.
    assert outputs.import_report(imported) == [
        "Read sheet 'Risks' of theirs.xlsx: header on row 1, 1 risks.",
        "Sheet  Column  Header found  Read as                     Why",
        "Risks  A       Ref           Risk ID                     'ref' is a word for Risk ID",
        "Risks  B       Likelihood    Inherent likelihood         'likelihood' is a word for "
        "likelihood; no stage is named, so the first free one: inherent",
        "Risks  C       Impact        Inherent impact             'impact' is a word for impact; "
        "no stage is named, so the first free one: inherent",
        "Risks  D       RAG           Checked: the inherent band  a band or score: cpcxl works it "
        "out and checks this one, never a title; it follows the inherent ratings, so it is "
        "theirs",
        "Risks  E       Notes         Carried as an extra column  no register column means this",
        "Not in the file (left blank): Title, Description, Category, Owner, Controls, Residual "
        "likelihood, Residual impact, Target likelihood, Target impact, Status, Date raised, "
        "Last reviewed, Next review, Score at last review, Chance of occurring, Minimum impact "
        "(£), Most likely impact (£), Maximum impact (£), Response, Reason for response, "
        "Proximity, Objectives, BAF ref, Shared risk",
        "Values it could not read (1; kept as they were and marked Check in the Flags column):",
        "  theirs.xlsx, Risks!B2, field 'Inherent likelihood': 'Likley' is not a likelihood; did "
        "you mean 'Likely'?; valid: 1 to 5, or Rare, Unlikely, Possible, Likely, Almost certain",
    ]
    # The RAG cannot be checked against a rating that could not be read; Notes is carried.
    assert imported.checks == [] and imported.extra == (["RAG", "Notes"], [["R1", "Amber", "seen"]])
