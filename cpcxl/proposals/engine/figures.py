"""How reasons write figures."""

from __future__ import annotations


def money(value: float) -> str:
    return f"-£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"
