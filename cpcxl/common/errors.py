"""Errors that say where bad input is and what would be valid."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


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
        return Location(**values)


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


class InputErrors(CpcxlError):
    """The collector of located errors: every problem found in one pass, so a user can fix
    them all at once, and notes on what was read in a way worth saying (a header read as a
    column of another spelling).

    ``attempt`` runs one step of reading and keeps its errors instead of stopping, placing
    each where the step was reading if the error does not say more precisely itself.
    """

    def __init__(self, errors: Iterable[InputError] = (), *, notes: Iterable[str] = ()) -> None:
        self.errors: list[InputError] = list(errors)
        self.notes: list[str] = list(notes)
        super().__init__()

    def __str__(self) -> str:
        count = len(self.errors)
        head = f"{count} problem{'s' if count != 1 else ''} in the input"
        return head + ":\n" + "\n".join(f"- {e}" for e in self.errors)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def __iter__(self) -> Iterator[InputError]:
        return iter(self.errors)

    def add(
        self,
        error: InputError | str,
        *,
        location: Location | None = None,
        valid: str | Sequence[object] | None = None,
    ) -> None:
        """Record an error (or a message, placed at ``location``)."""
        if isinstance(error, str):
            error = InputError(error, location=location, valid=valid)
        elif location is not None:
            error = error.at(**vars(location))
        self.errors.append(error)

    def extend(self, errors: Iterable[InputError]) -> None:
        self.errors.extend(errors)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def attempt(
        self, step: Callable[..., T], /, *args: Any, where: Location | None = None, **kwargs: Any
    ) -> T | None:
        """``step(*args, **kwargs)``, or None with its errors recorded (placed at ``where``)."""
        try:
            return step(*args, **kwargs)
        except InputErrors as many:
            self.extend(e.at(**vars(where)) if where else e for e in many)
            for text in many.notes:
                self.note(text)
        except InputError as one:
            self.add(one, location=where)
        return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise self
