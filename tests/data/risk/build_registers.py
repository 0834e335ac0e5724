"""Writes the registers `cpcxl risk import` is tested on: six registers as UK councils, NHS
bodies and partnerships keep them, each laid out its own way (no two share a set of headers).
They are invented: organisations fictional, owners given by role, no real person named.

Run from the repository root to rebuild them: python tests/data/risk/build_registers.py
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).parent
D = dt.date


def _header(ws, row: int, values: list[object]) -> None:
    for c, v in enumerate(values, start=1):
        if v is not None:
            cell = ws.cell(row, c, v)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True)


def nhs_trust() -> None:
    """An NHS community trust's corporate risk register for its Audit and Risk Committee:
    two title rows, a three-row header (Risk assessment / Initial risk / C L Score, consequence
    before likelihood as the NHS writes it), no title column (the description's first sentence
    is the title), combined headers, an action plan of numbered actions, statuses Treating and
    Tolerated, BAF references and strategic objectives."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Corporate risk register"
    ws["A1"] = "Northfield Community Health NHS Trust: Corporate Risk Register"
    ws["A2"] = "Reported to the Audit and Risk Committee, June 2026"
    _header(
        ws,
        4,
        [
            "Risk ID",
            "Risk description (cause, event, effect)",
            "Executive lead",
            "Risk assessment",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "Controls / mitigations",
            "Gaps in control",
            "Risk response",
            "Action plan",
            "Action owner",
            "Target date",
            "Status",
            "BAF ref",
            "Strategic objective",
            "Date opened",
            "Last reviewed",
        ],
    )
    _header(
        ws,
        5,
        [
            None,
            None,
            None,
            "Initial risk",
            None,
            None,
            "Current risk",
            None,
            None,
            "Target risk",
            None,
            None,
        ],
    )
    _header(ws, 6, [None, None, None, "C", "L", "Score", "C", "L", "Rating", "C", "L", "Score"])
    for first, last in (("D4", "L4"), ("D5", "F5"), ("G5", "I5"), ("J5", "L5")):
        ws.merge_cells(f"{first}:{last}")
    rows = [
        ["NCH-01", "Community nursing vacancies above 15%. Visits are missed or delayed and "
         "patients deteriorate at home.", "Chief Nurse", 4, 4, 16, 4, 3, "High", 4, 2, 8,
         "Bank and agency staff / daily caseload review", "No workforce model for winter",
         "Mitigate", "1. Recruit 20 nurses from overseas\n2. Winter workforce model\n3. Retention "
         "bonus for band 5 staff", "Director of Workforce", D(2026, 11, 30), "Treating", "BAF 2",
         "SO1 Safe care", D(2024, 4, 2), D(2026, 5, 20)],
        ["NCH-02", "Ageing electronic patient record. An outage stops clinicians seeing records "
         "and care is given without history.", "Chief Information Officer", 5, 3, 15, 5, 2, "High",
         5, 1, 5, "Read-only back-up server / paper downtime packs", None, "Treat",
         "Replace the record system", "Chief Information Officer", D(2027, 3, 31), "Treating",
         "BAF 4", "SO3 Sustainable services", D(2023, 9, 12), D(2026, 6, 2)],
        ["NCH-03", "Estates backlog at two health centres. A roof failure closes a clinic.",
         "Director of Finance", 3, 3, 9, 3, 2, "Moderate", 3, 2, 6, "Planned maintenance",
         None, "Accept", None, None, None, "Tolerated", None, "SO3 Sustainable services",
         D(2025, 1, 15), D(2026, 4, 30)],
        ["NCH-04", "Safeguarding training below 90% compliance. Staff miss signs of abuse.",
         "Chief Nurse", 5, 3, 15, 5, 2, "Green", 5, 1, 5, "Mandatory training dashboard",
         "Bank staff not tracked", "Reduce", "Training for bank staff", "Head of Safeguarding",
         D(2026, 5, 31), "Treating", "BAF 1", "SO1 Safe care", D(2025, 6, 3), D(2026, 5, 20)],
        ["NCH-05", "Cost improvement plan undelivered. The trust misses its financial plan.",
         "Director of Finance", 4, 4, 16, 4, 4, "Extreme", 4, 3, 12, "Monthly CIP board",
         None, "Treat", "• Quality impact assessment of every scheme\n• Weekly grip and control",
         "Director of Finance", D(2026, 9, 30), "Treating", "BAF 3", "SO4 Value for money",
         D(2025, 4, 1), D(2026, 6, 10)],
    ]  # fmt: skip
    for r in rows:
        ws.append(r)
    ws.append([])
    ws.append(["Key: C = consequence, L = likelihood; scores are C × L out of 25."])
    wb.save(HERE / "nhs_trust_corporate.xlsx")


def district_council() -> None:
    """A district council's corporate risk register exported as CSV: probability and impact
    with their scales in the header, a score and a RAG to check, further actions, responses
    in other words (Mitigate, Accept, Avoid, Share) and statuses Live and Closed."""
    rows = [
        ["Risk No.", "Risk Title", "Risk Owner", "Probability (1-5)", "Impact (1-5)",
         "Risk Score", "RAG", "Existing controls", "Further actions", "Response", "Review date",
         "Status"],
        ["CR/01", "Council tax collection falls below target", "Head of Revenues", 3, 4, 12,
         "Amber", "Monthly collection reports", "Targeted recovery campaign", "Mitigate",
         "30/09/2026", "Live"],
        ["CR/02", "Cyber attack disrupts council services", "ICT Manager", 4, 5, 20, "Red",
         "Firewall; staff training", "Penetration test; offline back-ups", "Mitigate",
         "31/07/2026", "Live"],
        ["CR/03", "Leisure centre operator fails", "Head of Leisure", 2, 4, 8, "Green",
         "Quarterly financial checks", None, "Share", "31/10/2026", "Live"],
        ["CR/04", "Local plan found unsound at examination", "Planning Policy Manager", 2, 5, 10,
         "Amber", "Legal review of evidence base", None, "Accept", "30/11/2026", "Live"],
        ["CR/05", "Waste contract re-procurement delayed", "Head of Environment", 1, 3, 3, "Green",
         "Procurement timetable", None, "Avoid", "31/08/2026", "Closed"],
    ]  # fmt: skip
    with open(HERE / "district_council.csv", "w", newline="", encoding="utf-8-sig") as f:
        csv.writer(f).writerows(rows)


def county_service() -> None:
    """A county council's adult social care service register: a title row, text scales
    (High, Medium, Low), a Rating band, cause and consequence written out as text, a section
    heading between risks, proximity as financial years, and a directorate column it has no
    use for."""
    wb = Workbook()
    ws = wb.active
    ws.title = "ASC service risks"
    ws["A1"] = "Wessex County Council: Adult Social Care service risk register 2026/27"
    _header(ws, 3, ["ID", "Risk", "Cause", "Consequence", "Likelihood", "Impact", "Rating",
                    "Mitigation", "Lead officer", "Date identified", "Next review", "Proximity",
                    "Directorate"])  # fmt: skip
    rows = [
        ["Commissioning"],
        ["ASC1", "Home care market cannot meet demand", "Providers cannot recruit carers at "
         "current fee rates", "Hospital discharges are delayed and people wait for care at "
         "home", "High", "High", "High", "Fee uplift; recruitment campaign", "Head of "
         "Commissioning", D(2025, 5, 1), D(2026, 9, 1), "2026/27", "Adults and Health"],
        ["ASC2", "Care home closes at short notice", "A provider's finances fail",
         "Residents must move quickly and some suffer harm from the move", "Low", "High",
         "Medium", "Market oversight; provider failure protocol", "Head of Commissioning",
         D(2025, 7, 14), D(2026, 8, 15), "2027/28", "Adults and Health"],
        ["Operations"],
        ["ASC3", "Assessment waiting list grows", "Social work vacancies and rising referrals",
         "People wait longer for care and complaints rise", "Medium", "Medium", "Medium",
         "Agency social workers; triage", "Principal Social Worker", D(2026, 1, 9),
         D(2026, 7, 31), "2026/27", "Adults and Health"],
        ["ASC4", "Deprivation of Liberty applications backlog", "Applications exceed assessor "
         "capacity", "Unlawful deprivation of liberty and legal challenge", "High", "Medium",
         "High", "Prioritisation tool", "DoLS Manager", D(2025, 11, 3), D(2026, 7, 15),
         "2026/27", "Adults and Health"],
    ]  # fmt: skip
    for r in rows:
        ws.append(r)
    wb.save(HERE / "county_service.xlsx")


def icb_partnership() -> None:
    """A joint commissioning partnership (council and integrated care board) register over two
    sheets: risks, with gross, net and target ratings, shared risks marked Y/N, a Treatment
    column holding responses and proximity dates; and actions on their own sheet, with a title
    row, linked by risk reference."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Risks"
    _header(ws, 1, ["Risk reference", "Risk", "Description", "Category", "Shared risk (Y/N)",
                    "Gross likelihood", "Gross impact", "Gross score", "Net likelihood",
                    "Net impact", "Net score", "Target likelihood", "Target impact", "Treatment",
                    "Risk lead", "Owner organisation", "Proximity"])  # fmt: skip
    rows = [
        ["JC-1", "Better Care Fund overspend", "Demand for discharge support exceeds the pooled "
         "budget.", "Financial", "Y", 4, 4, 16, 4, 3, 12, 3, 3, "Treat", "Head of Finance "
         "(council)", "Both", D(2027, 3, 31)],
        ["JC-2", "Discharge to assess beds unavailable", "Too few intermediate care beds in "
         "winter.", "Service delivery", "Y", 4, 3, 12, 3, 3, 9, 2, 3, "Treat",
         "Director of Integrated Care", "ICB", D(2026, 12, 1)],
        ["JC-3", "Data sharing agreement lapses", "The agreement between partners expires.",
         "Information governance", "N", 2, 3, 6, 1, 3, 3, 1, 3, "Tolerate",
         "Information Governance Lead", "Council", D(2026, 10, 31)],
        ["JC-4", "Section 75 agreement not renewed", "Partners do not agree risk share terms.",
         "Legal", "Y", 3, 4, 12, 2, 4, 8, 2, 3, "Transfer", "Head of Legal Services", "Both",
         D(2026, 6, 30)],
    ]  # fmt: skip
    for r in rows:
        ws.append(r)
    actions = wb.create_sheet("Actions")
    actions["A1"] = "Mitigating actions (updated monthly)"
    _header(actions, 3, ["Risk reference", "Mitigating action", "Action lead", "Due by",
                         "Progress"])  # fmt: skip
    for r in [
        ["JC-1", "Monthly pooled budget recovery plan", "Head of Finance (council)",
         D(2026, 6, 15), "On track"],
        ["JC-1", "Agree risk share for overspends", "Director of Finance (ICB)", D(2026, 9, 30),
         "Not started"],
        ["JC-2", "Commission 15 winter beds", "Director of Integrated Care", D(2026, 10, 1),
         "Delayed"],
        ["JC-4", "Draft the renewed section 75 agreement", "Head of Legal Services",
         D(2026, 5, 31), "Complete"],
        ["JC-9", "Review the carers' strategy", "Head of Commissioning", D(2026, 12, 31),
         "Not started"],
    ]:  # fmt: skip
        actions.append(r)
    wb.save(HERE / "icb_partnership.xlsx")


def fire_authority() -> None:
    """A fire and rescue authority's register: score-suffixed ratings (likelihood score,
    severity score), an overall score and a risk level (Low ... Very High) to check, an
    'Owner / Lead' combined header, control measures, residual ratings, £ estimates with a
    percentage chance, dates added and updated, Open and Archived, and notes and comments."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Strategic risks"
    _header(ws, 1, ["Ref", "Risk title", "Likelihood score", "Severity score", "Overall score",
                    "Risk level", "Owner / Lead", "Control measures", "Residual likelihood",
                    "Residual severity", "Residual risk level", "Probability %", "Best case £",
                    "Most likely £", "Worst case £", "Date added", "Last updated", "Status",
                    "Notes", "Comments"])  # fmt: skip
    rows = [
        ["SR1", "On-call firefighter availability falls", 4, 4, 16, "High",
         "Area Manager, Response", "Retained recruitment drive", 3, 4, "High", "40%", 50_000,
         120_000, 400_000, D(2024, 9, 1), D(2026, 5, 28), "Open", "Seen by fire authority",
         None],
        ["SR2", "Pension remedy costs exceed provision", 3, 3, 9, "Medium", "Treasurer",
         "Actuarial review", 2, 3, "Medium", "25%", 100_000, 300_000, 900_000, D(2025, 2, 10),
         D(2026, 4, 30), "Open", None, "Home Office funding awaited"],
        ["SR3", "Control room system outage", 2, 5, 10, "High", "Head of Control",
         "Fallback to neighbouring control", 1, 5, "Low", "10%", 20_000, 60_000, 250_000,
         D(2023, 6, 5), D(2026, 6, 1), "Open", None, None],
        ["SR4", "Wildfire season stretches resources", 3, 4, 12, "High", "Area Manager, Response",
         "Mutual aid agreements", 3, 3, "High", None, None, None, None, D(2025, 3, 1),
         D(2026, 5, 1), "Archived", "Closed after mutual aid review", None],
    ]  # fmt: skip
    for r in rows:
        ws.append(r)
    wb.save(HERE / "fire_authority.xlsx")


def academy_trust() -> None:
    """A multi-academy trust's register: 'Before controls' and 'After controls' group headers
    over single letters (L, I), a 'L x I' score, a response-strategy column, owners, an
    objectives column and a header in one row below a title and a blank row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Trust risk register"
    ws["A1"] = "Riverside Learning Trust: risk register (board, summer term 2026)"
    _header(ws, 3, ["No", "Risk", "Owner", "Before controls", None, None, "Controls in place",
                    "After controls", None, None, "Response strategy", "Link to objectives",
                    "Review by"])  # fmt: skip
    _header(ws, 4, [None, None, None, "L", "I", "L x I", None, "L", "I", "L x I"])
    rows = [
        [1, "Falling rolls reduce funding at two primaries", "Chief Financial Officer", 4, 3, 12,
         "Pupil number forecasts each term", 3, 3, 9, "Reduce", "O2", D(2026, 9, 30)],
        [2, "Ofsted judges a school as requiring improvement", "CEO", 3, 4, 12,
         "School improvement partners", 2, 4, 8, "Mitigate", "O1", D(2026, 12, 31)],
        [3, "Safeguarding concern mishandled", "Trust Safeguarding Lead", 2, 5, 10,
         "Designated leads in every school", 1, 5, 5, "Mitigate", "O1; O3", D(2026, 7, 31)],
        [4, "Energy costs exceed budget", "Chief Financial Officer", 4, 2, 8,
         "Fixed-price energy contract", 4, 2, 6, "Accept", "O2", D(2026, 10, 31)],
    ]  # fmt: skip
    for r in rows:
        ws.append(r)
    wb.save(HERE / "academy_trust.xlsx")


if __name__ == "__main__":
    for build in (nhs_trust, district_council, county_service, icb_partnership, fire_authority,
                  academy_trust):  # fmt: skip
        build()
