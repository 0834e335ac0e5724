"""The Better Care Fund tables: the year's national requirements as the officer enters them
(each with its year and where it comes from), the plan's schemes, the national list of scheme
types (the officer updates it each year) and the plan's metrics. No file access."""

from __future__ import annotations

from typing import Any

from cpcxl.common.fields import TEXT, Text
from cpcxl.common.inputs import Column, TableRead, TableSpec
from cpcxl.common.tables import ROW
from cpcxl.common.values import is_blank

from ..models import Metric, NationalRequirement, Scheme, SpendArea
from .types import (
    A_YEAR,
    COMMISSIONER,
    COST,
    FUNDING_SOURCE,
    LINE,
    METRIC_LIST,
    REQUIREMENT,
    SCHEME_TYPE,
    SPEND_AREA,
)

WIDE = 34

REQUIREMENTS = TableSpec(
    "BcfRequirements",
    "BCF requirements",
    (
        Column(
            "requirement",
            "Requirement",
            REQUIREMENT,
            width=WIDE,
            prompt="A national requirement of the year's BCF planning requirements",
        ),
        Column(
            "authority",
            "Housing authority",
            TEXT,
            ("Housing authority (DFG)",),
            required=False,
            width=WIDE,
            prompt="For a Disabled Facilities Grant allocation: the housing authority it is for",
        ),
        Column("amount", "Amount £", COST, ("Amount", "Minimum £", "Allocation £"), width=16),
        Column("year", "Year", A_YEAR, ("Financial year",), width=10, prompt="The plan's year"),
        Column(
            "source",
            "Source",
            Text(what="where the figure comes from"),
            ("Where it comes from",),
            width=60,
            prompt="The publication and its date (the year's BCF allocations and planning "
            "requirements)",
        ),
    ),
)

SCHEMES = TableSpec(
    "BcfSchemes",
    "BCF schemes",
    (
        Column("scheme", "Scheme", Text(what="a scheme's name"), ("Scheme name",), width=WIDE),
        Column("line", "Line", LINE, ("Budget line",), required=False, width=WIDE),
        Column(
            "scheme_type",
            "Scheme type",
            SCHEME_TYPE,
            required=False,
            width=52,
            prompt="From the national list on the BCF scheme types sheet",
        ),
        Column(
            "commissioner",
            "Lead commissioner",
            COMMISSIONER,
            ("Commissioner",),
            required=False,
            width=20,
            prompt="Local authority, NHS or Joint",
        ),
        Column("source", "Funding source", FUNDING_SOURCE, ("Source of funding",), width=40),
        Column(
            "area",
            "Spend area",
            SPEND_AREA,
            ("Area of spend",),
            required=False,
            default=SpendArea.OTHER,
            width=40,
            prompt="What NHS minimum contribution spend counts towards; blank: Other (a local "
            "choice)",
        ),
        Column(
            "amount",
            "Planned expenditure £",
            COST,
            ("Planned expenditure", "Expenditure £", "Amount £"),
            width=22,
        ),
        Column(
            "authority",
            "Housing authority (DFG)",
            TEXT,
            ("Housing authority", "Passed to"),
            required=False,
            width=34,
            prompt="For Disabled Facilities Grant spend: the housing authority it is passed to",
        ),
        Column(
            "metrics",
            "Metrics",
            METRIC_LIST,
            ("Metrics served",),
            required=False,
            width=50,
            prompt="The plan's metrics this scheme serves, separated by semicolons",
        ),
    ),
)

SCHEME_TYPES = TableSpec(
    "SchemeTypes",
    "BCF scheme types",
    (
        Column("scheme_type", "Scheme type", Text(what="a scheme type"), width=50),
        Column("note", "Notes", TEXT, ("Note",), required=False, width=60),
    ),
)

METRICS = TableSpec(
    "BcfMetrics",
    "BCF metrics",
    (
        Column("metric", "Metric", Text(what="a metric's name"), width=40),
        Column("definition", "Definition", TEXT, required=False, width=60),
        Column("source", "Source", TEXT, required=False, width=40),
    ),
)

#: The BCF tables, by the key the engine's places use (every one optional).
BCF_TABLES: dict[str, TableSpec] = {
    "requirements": REQUIREMENTS,
    "schemes": SCHEMES,
    "scheme_types": SCHEME_TYPES,
    "metrics": METRICS,
}


def _given(value: Any) -> Any:
    return None if is_blank(value) else value


def requirements(table: TableRead | None) -> list[NationalRequirement]:
    if table is None:
        return []
    return [
        NationalRequirement(
            requirement=r["requirement"],
            amount=float(r["amount"]),
            year=int(r["year"]),
            source=r["source"],
            authority=_given(r["authority"]),
            row=int(r[ROW]),
        )
        for r in table.records()
    ]


def schemes(table: TableRead | None) -> list[Scheme]:
    if table is None:
        return []
    return [
        Scheme(
            scheme=r["scheme"],
            line=_given(r["line"]),
            scheme_type=_given(r["scheme_type"]),
            commissioner=_given(r["commissioner"]),
            source=r["source"],
            area=_given(r["area"]) or SpendArea.OTHER,
            amount=float(r["amount"]),
            authority=_given(r["authority"]),
            metrics=tuple(r["metrics"] or ()),
            row=int(r[ROW]),
        )
        for r in table.records()
    ]


def scheme_types(table: TableRead | None) -> list[str]:
    if table is None:
        return []
    return [r["scheme_type"] for r in table.records()]


def metrics(table: TableRead | None) -> list[Metric]:
    if table is None:
        return []
    return [
        Metric(metric=r["metric"], definition=_given(r["definition"]) or "", row=int(r[ROW]))
        for r in table.records()
    ]
