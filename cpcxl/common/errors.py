"""Errors that say where bad input is and what would be valid."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where a value came from; every part is optional."""

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet and self.cell:
            parts.append(f"{quote_sheet(self.sheet)}!{self.cell}")
        elif self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        elif self.cell:
            parts.append(f"cell {self.cell}")
        if self.row is not None and not self.cell:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)

    def with_(self, **changes: object) -> Location:
        values = {k: getattr(self, k) for k in ("file", "sheet", "cell", "row", "field")}
        values.update(changes)
        return Location(**values)  # type: ignore[arg-type]


def quote_sheet(name: str) -> str:
    """A sheet name as Excel writes it in a reference."""
    if name.replace("_", "").isalnum():
        return name
    return "'" + name.replace("'", "''") + "'"


class CpcxlError(Exception):
    """Base class of every error cpcxl raises on purpose."""


class InputError(CpcxlError, ValueError):
    """One bad input value, with where it is and what would be valid."""

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        valid: str | Sequence[object] | None = None,
        **where: object,
    ) -> None:
        self.message = message
        self.location = (location or Location()).with_(**where) if where else location
        if valid is not None and not isinstance(valid, str):
            valid = ", ".join(str(v) for v in valid)
        self.valid = valid
        super().__init__(str(self))

    def __str__(self) -> str:
        text = self.message
        if self.valid:
            text = f"{text}; valid: {self.valid}"
        where = str(self.location) if self.location else ""
        return f"{where}: {text}" if where else text

    def at(self, **where: object) -> InputError:
        """The same error placed more precisely (fills only what is unknown)."""
        current = self.location or Location()
        fill = {k: v for k, v in where.items() if getattr(current, k) in (None, "")}
        return InputError(self.message, location=current.with_(**fill), valid=self.valid)


@dataclass
class InputErrors(CpcxlError):
    """Several input errors found in one pass, so a user can fix them all at once."""

    errors: list[InputError] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.errors)
        head = f"{count} problem{'s' if count != 1 else ''} in the input"
        return head + ":\n" + "\n".join(f"- {e}" for e in self.errors)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.errors)

    def add(self, error: InputError) -> None:
        self.errors.append(error)

    def extend(self, errors: Iterable[InputError]) -> None:
        self.errors.extend(errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise self
