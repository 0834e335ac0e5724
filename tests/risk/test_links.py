"""What the register links to (issue 15): responses, actions, incidents and near misses,
partners' appetite, objectives and proximity; each flag worked by hand, each bad input a
located error."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cpcxl.common.errors import InputErrors
from cpcxl.common.inputs import Cells
from cpcxl.risk import engine, inputs
from cpcxl.risk.models import AppetiteLevel, CorrelationSettings, RiskCategory, RiskResponse
from cpcxl.risk.schemes import NHS_5X5

from .registers import HEADER, row

AS_OF = dt.date(2026, 6, 1)
MORE = ["Response", "Reason for response", "Proximity", "Objectives", "Shared risk",
        "Date raised"]  # fmt: skip


def risk(risk_id: str, **changes: Any) -> list[Any]:
    """A row of the test register (registers.row) with the issue 15 columns after it."""
    base = {k: v for k, v in changes.items() if k.replace("_", " ") not in MORE}
    more = {k.replace("_", " "): v for k, v in changes.items() if k.replace("_", " ") in MORE}
    return [*row(risk_id, **base), *(more.get(h) for h in MORE)]


def read(*rows: list[Any]) -> inputs.Register:
    errors = InputErrors()
    register = inputs.read_register(Cells([[*HEADER, *MORE], *rows]), NHS_5X5, errors)
    assert register is not None, str(errors)
    return register


def table(spec: Any, *rows: list[Any]) -> Cells:
    return Cells([spec.headers[: len(rows[0])], *rows], first_row=4, exact=True)


def flags(register: inputs.Register, **links: Any) -> list[str]:
    appetite = links.pop("appetite", engine.default_appetite(NHS_5X5))
    scored = engine.score_register(register.risks, NHS_5X5, appetite, as_of=AS_OF, **links)
    return list(scored["flags"])


# --- response ------------------------------------------------------------------------------------


def test_a_risk_tolerated_above_appetite_needs_a_reason() -> None:
    # R1: Financial loss (Cautious: up to 9), residual 3 × 4 = 12: above appetite. Tolerated
    # with no reason, it is flagged; with a reason (R2) or treated (R3), it is not.
    register = read(
        risk("R1", Residual_impact=4, Target_likelihood=None, Target_impact=None,
             Response="Tolerate"),
        risk("R2", Residual_impact=4, Target_likelihood=None, Target_impact=None,
             Response="Accept", Reason_for_response="Board accepted it, March 2026"),
        risk("R3", Residual_impact=4, Target_likelihood=None, Target_impact=None,
             Response="Mitigate"),
    )  # fmt: skip
    assert list(register.risks["response"]) == ["Tolerate", "Tolerate", "Treat"]  # Orange Book
    assert flags(register) == [
        "Above appetite (Cautious: up to 9); Tolerated above appetite with no reason given",
        "Above appetite (Cautious: up to 9)",
        "Above appetite (Cautious: up to 9)",
    ]
    assert [r.value for r in RiskResponse] == ["Treat", "Tolerate", "Transfer", "Terminate", "Take"]


# --- actions -------------------------------------------------------------------------------------


def actions(*rows: list[Any], ids: tuple[str, ...] = ("R1", "R2")) -> inputs.Linked:
    errors = InputErrors()
    read = inputs.read_actions(table(inputs.ACTIONS_SPEC, *rows), list(ids), errors)
    assert read is not None and not errors, str(errors)
    return read


def test_overdue_actions_and_risks_above_target_with_no_open_action() -> None:
    # R1 residual 3 × 3 = 9 is above its target 2 × 3 = 6; its only open action was due on
    # 01/05/2026, before the review on 01/06/2026: overdue, on the action and on the risk.
    # R2 is above its target too, and its one action is complete: no open action.
    register = read(risk("R1"), risk("R2"))
    linked = actions(
        ["R1", "Re-tender the contract", "Head of Commissioning", "01/05/2026", "In progress", 6],
        ["R2", "Audit provider accounts", "Head of Finance", "01/04/2026", "Done", 6],
    )
    assert list(linked.frame["status"]) == ["In progress", "Complete"]  # Done is Complete
    assert flags(register, actions=linked.usable()) == [
        "Above target (6); Action overdue (1; due 01/05/2026)",
        "Above target (6); Above target with no open action",
    ]
    scored = engine.score_register(register.risks, NHS_5X5, as_of=AS_OF, actions=linked.usable())
    flagged = engine.score_actions(linked.usable(), scored, AS_OF)
    assert list(flagged["flags"]) == ["Overdue (due 01/05/2026)", ""]
    counts = engine.action_status_counts(flagged)
    assert counts.to_dict("records")[-1] == {"Actions": "Open and overdue", "Number": 1}


def test_an_action_for_a_risk_that_does_not_exist_is_a_located_error() -> None:
    linked = actions(["R9", "Review the carers' strategy"], ["R1", "Re-tender"], ids=("R1",))
    assert [str(p) for p in linked.problems] == [
        "Actions!A5, field 'Risk ID': 'R9' is not a risk on the Register; valid: a Risk ID on "
        "the Register sheet"
    ]
    assert list(linked.usable()["risk_id"]) == ["R1"]


# --- incidents -----------------------------------------------------------------------------------


def incidents(*rows: list[Any], ids: tuple[str, ...] = ("R1", "R2", "R3")) -> inputs.Linked:
    errors = InputErrors()
    read = inputs.read_incidents(table(inputs.INCIDENTS_SPEC, *rows), list(ids), errors,
                                 as_of=AS_OF)  # fmt: skip
    assert read is not None and not errors, str(errors)
    return read


def test_incidents_against_what_the_likelihood_implies() -> None:
    # NPSA time frames: Rare is not expected for years (fewer than 1 a year); Unlikely is at
    # least annually (fewer than 12, when monthly begins). In the 12 months to 01/06/2026:
    # R1 (residual Rare) has 1 incident, so it has happened more often than Rare implies;
    # R2 (residual Unlikely) has 11: within fewer than 12; R3 (Unlikely) has 12: flagged.
    # Near misses and an incident before 01/06/2025 do not count (the window is the 12 months
    # after 01/06/2025 up to and including 01/06/2026).
    register = read(
        risk("R1", Residual_likelihood=1, Residual_impact=2, Target_likelihood=None,
             Target_impact=None),
        risk("R2", Residual_likelihood=2, Residual_impact=2, Target_likelihood=None,
             Target_impact=None),
        risk("R3", Residual_likelihood=2, Residual_impact=2, Target_likelihood=None,
             Target_impact=None),
    )  # fmt: skip
    log = [
        ["INC1", "10/01/2026", "R1", "Incident", "Wrong dose given", "Low"],
        ["INC2", "11/01/2026", "R1", "Near miss", "Wrong dose caught", "None"],
        ["INC3", "31/05/2025", "R1", "Incident", "Before the window", "Low"],
    ]
    log += [
        [f"A{m}", dt.date(2025, 6 + m // 2, 2 + m % 2), "R2", "Incident", "", ""] for m in range(11)
    ]
    log += [[f"B{m}", dt.date(2025, 6 + m // 2, 2 + m % 2), "R3", "Incident", "", ""]
            for m in range(12)]  # fmt: skip
    linked = incidents(*log)
    assert flags(register, incidents=linked.usable()) == [
        "More incidents than its likelihood implies (1 in 12 months; Rare implies fewer than "
        "1 a year)",
        "",
        "More incidents than its likelihood implies (12 in 12 months; Unlikely implies fewer "
        "than 12 a year)",
    ]
    scored = engine.score_register(register.risks, NHS_5X5, as_of=AS_OF,
                                   incidents=linked.usable())  # fmt: skip
    per_risk = engine.incident_table(scored, NHS_5X5)
    assert per_risk.to_dict("records")[0] == {
        "Risk ID": "R1", "Title": "Provider fails", "Likelihood": "Rare",
        "Incidents (12 months)": 1, "Near misses (12 months)": 1, "All logged": 3,
        "Implies fewer than (a year)": 1.0, "More than it implies": "Yes",
    }  # fmt: skip


def test_an_incident_dated_in_the_future_is_a_located_error() -> None:
    errors = InputErrors()
    linked = inputs.read_incidents(
        table(inputs.INCIDENTS_SPEC, ["INC9", "02/06/2026", "R1", "Incident"]),
        ["R1"],
        errors,
        as_of=AS_OF,
    )
    assert linked is not None
    assert [str(p) for p in linked.problems] == [
        "Incidents!B5, field 'Date': the incident is dated 02/06/2026, after the review date "
        "01/06/2026: it cannot have happened yet; valid: a date on or before 01/06/2026"
    ]
    assert linked.usable().empty


# --- proximity, objectives, partners, categories ---------------------------------------------


def test_a_proximity_before_the_date_raised_is_a_located_error() -> None:
    register = read(
        risk("R1", Proximity="01/03/2026", Date_raised="01/04/2026"),
        risk("R2", Proximity="2025/26", Date_raised="01/04/2026"),  # 2025/26 ends 31/03/2026
        risk("R3", Proximity="2026/27", Date_raised="01/04/2026"),
    )
    assert [str(p) for p in register.problems] == [
        "Register!U2, field 'Proximity': the proximity 01/03/2026 is before the date raised "
        "01/04/2026; valid: a date or financial year on or after the date raised",
        "Register!U3, field 'Proximity': the proximity 2025/26 ended on 31/03/2026, before the "
        "date raised 01/04/2026; valid: a date or financial year on or after the date raised",
    ]
    assert list(register.risks["proximity"]) == [dt.date(2026, 3, 1), 2025, 2026]


def test_a_shared_risk_above_any_partners_appetite_is_flagged() -> None:
    # R1 Financial loss, residual 3 × 3 = 9, within the council's Cautious (up to 9) but above
    # the ICB's Minimal (up to 6); the trust is Open (12). R2 is the same risk, not shared.
    base = engine.default_appetite(NHS_5X5)
    appetite = base.model_copy(update={"partners": {
        "North Shire ICB": {"Financial loss": AppetiteLevel.MINIMAL},
        "Shire Community Trust": {"Financial loss": AppetiteLevel.OPEN},
    }})  # fmt: skip
    register = read(
        risk("R1", Shared_risk="Yes", Target_likelihood=None, Target_impact=None),
        risk("R2", Shared_risk="No", Target_likelihood=None, Target_impact=None),
    )
    assert flags(register, appetite=appetite) == [
        "Above a partner's appetite (North Shire ICB: Minimal, up to 6)",
        "",
    ]


def test_partner_appetite_is_read_per_category_and_a_repeat_is_located() -> None:
    errors = InputErrors()
    cells = table(
        inputs.PARTNER_APPETITE,
        ["North Shire ICB", "Financial loss", "Minimal"],
        ["North Shire ICB", "Financial", "Open"],  # 'Financial' is Financial loss again
        ["North Shire ICB", "Reputation", "Cautious"],
    )
    read = inputs.read_partner_appetite(cells, [c.value for c in RiskCategory], errors)
    assert read == {"North Shire ICB": {"Financial loss": AppetiteLevel.MINIMAL,
                                        "Reputation": AppetiteLevel.CAUTIOUS}}  # fmt: skip
    assert [str(e) for e in errors] == [
        "Appetite!B6, field 'Category': North Shire ICB's appetite for 'Financial loss' is "
        "given twice; valid: each partner's appetite for a category once"
    ]


def test_the_categories_include_cpc_507s_six_areas_of_perceived_risk() -> None:
    # CPC 507's "areas of perceived risk", beside CPC 306's eight.
    assert [c.value for c in RiskCategory][8:] == [
        "Commercial or contractual", "Technical issues", "Local and environmental conditions",
        "Resources or procurement", "Regulatory or political influences",
        "Lack of information and data",
    ]  # fmt: skip
    kind = inputs.Category([c.value for c in RiskCategory])
    assert kind.parse("procurement") == "Resources or procurement"
    assert kind.parse("Contractual") == "Commercial or contractual"


def test_an_objective_not_on_the_objectives_sheet_is_a_located_error() -> None:
    errors = InputErrors()
    objectives = inputs.read_objectives(
        table(
            inputs.OBJECTIVES_SPEC, ["CO1", "Keep residents safe"], ["CO2", "Balance the budget"]
        ),
        errors,
    )
    assert objectives is not None
    register = read(risk("R1", Objectives="CO1; CO9"))
    inputs.check_objective_refs(register.risks, objectives, register.problem, errors)
    assert [str(p) for p in register.problems] == [
        "Register!V2, field 'Objectives': 'CO9' is not an objective on the Objectives sheet; "
        "valid: refs on the Objectives sheet: CO1, CO2"
    ]


# --- phasing by financial year -----------------------------------------------------------------


def test_exposure_is_phased_by_the_financial_year_of_each_risks_proximity() -> None:
    # Certain fixed costs: £10,000 on 31/03/2027 (2026/27, April to March) and £5,000 in
    # 2026/27, £20,000 on 01/04/2027 (2027/28), £1,000 with no proximity. Each year's
    # expected exposure and P80 are its own fixed total.
    quantified = {"Chance of occurring": 1}
    register = read(*(
        risk(f"R{i}", Proximity=p, **{**quantified, "Minimum impact (£)": v,
                                      "Most likely impact (£)": v, "Maximum impact (£)": v})
        for i, (p, v) in enumerate([("31/03/2027", 10_000), ("2026/27", 5_000),
                                    ("01/04/2027", 20_000), (None, 1_000)], start=1)
    ))  # fmt: skip
    result = engine.assess(register.risks, NHS_5X5, engine.default_appetite(NHS_5X5),
                           as_of=AS_OF)  # fmt: skip
    phases = [(p.year, p.risks, p.expected, p.p80) for p in result.analysis.phases]
    assert phases == [(2026, 2, 15_000, 15_000), (2027, 1, 20_000, 20_000), (None, 1, 1_000, 1_000)]
    assert result.analysis.exposure.expected == 36_000


def test_the_registers_correlation_is_built_from_the_most_particular_setting() -> None:
    # Every pair 0.1; within Financial loss 0.5; the pair R1-R3 0.9 from the matrix.
    register = read(risk("R1"), risk("R2"), risk("R3", Category="Reputation"))
    live = register.risks.assign(quantified=True)
    settings = CorrelationSettings(every_pair=0.1, within_category={"Financial loss": 0.5},
                                   pairs={("R1", "R3"): 0.9})  # fmt: skip
    matrix, text = engine.register_correlation(live, settings)
    assert matrix.tolist() == [[1, 0.5, 0.9], [0.5, 1, 0.1], [0.9, 0.1, 1]]
    assert text.startswith("Iman-Conover rank correlation, 0.1 between any two risks")


@pytest.mark.parametrize("coefficient", [0.0])
def test_independent_risks_need_no_matrix(coefficient: float) -> None:
    register = read(risk("R1"), risk("R2"))
    matrix, text = engine.register_correlation(register.risks, CorrelationSettings())
    assert (matrix, text) == (coefficient, "none: the risks are independent")
