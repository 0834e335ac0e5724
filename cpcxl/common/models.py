"""Building pydantic models from user input without losing where a bad value came from."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InputError, Location

M = TypeVar("M", bound=BaseModel)


def build_model(model: type[M], /, *, location: Location | None = None, **data: object) -> M:
    """``model(**data)``, with pydantic's errors turned back into a located :class:`InputError`.

    A validator that raised an ``InputError`` gets it back unchanged (pydantic would wrap it
    and drop its location); other problems are listed field by field.
    """
    try:
        return model(**data)
    except ValidationError as exc:
        problems = exc.errors()
        original = problems[0].get("ctx", {}).get("error")
        if isinstance(original, InputError):
            raise (original.at(**vars(location)) if location else original) from None
        reasons = "; ".join(
            (f"{'.'.join(str(p) for p in e['loc'])}: " if e["loc"] else "")
            + e["msg"]
            + (f" (got {e['input']!r})" if e["loc"] and "input" in e else "")
            for e in problems
        )
        raise InputError(reasons, location=location) from None
