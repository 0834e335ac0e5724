"""Risk register inputs: every step from cells to models, with located errors.

``kinds``: the value types (a likelihood or impact on a matrix, a category, a chance of
occurring as a rate, £ estimates). ``matrix``: the Matrix and Appetite sheets' tables and
named cells, and a matrix kept in TOML. ``register``: the Register table and a whole packaged
register; ``importing``: a register laid out another way (``cpcxl risk import``). ``ranges``: the
worksheet functions' ranges. No file access and no workbook library here.
"""

from __future__ import annotations

from .importing import Imported, import_register
from .kinds import (
    CONFIDENCE,
    ESTIMATE,
    ITERATIONS,
    PROBABILITY,
    SEED,
    STATUS,
    Category,
    LevelScore,
    Parsed,
    flagged,
    parse_cells,
)
from .matrix import (
    APPETITE,
    APPETITE_LEVELS,
    BANDS,
    CATEGORY_APPETITE,
    HIGH_FROM,
    IMPACT,
    LIKELIHOOD,
    MATRIX,
    MATRIX_NAME,
    NAMED_CELLS,
    REGISTER,
    REVIEW_DATE,
    NamedCell,
    matrix_from_toml,
    read_appetite,
    read_matrix,
    read_named,
)
from .ranges import Ratings, option, read_estimates, read_ratings
from .register import (
    FIELDS,
    REGISTER_SPEC,
    REGISTER_TABLE,
    Register,
    RegisterBook,
    read_register,
    read_register_book,
    register_spec,
)

#: Every table of a packaged register, for reading a file or an open workbook.
TABLES = (LIKELIHOOD, IMPACT, BANDS, APPETITE_LEVELS, CATEGORY_APPETITE, REGISTER_SPEC)

__all__ = [
    "APPETITE",
    "APPETITE_LEVELS",
    "BANDS",
    "CATEGORY_APPETITE",
    "CONFIDENCE",
    "ESTIMATE",
    "FIELDS",
    "HIGH_FROM",
    "IMPACT",
    "ITERATIONS",
    "LIKELIHOOD",
    "MATRIX",
    "MATRIX_NAME",
    "NAMED_CELLS",
    "PROBABILITY",
    "REGISTER",
    "REGISTER_SPEC",
    "REGISTER_TABLE",
    "REVIEW_DATE",
    "SEED",
    "STATUS",
    "TABLES",
    "Category",
    "Imported",
    "LevelScore",
    "NamedCell",
    "Parsed",
    "Ratings",
    "Register",
    "RegisterBook",
    "flagged",
    "import_register",
    "matrix_from_toml",
    "option",
    "parse_cells",
    "read_appetite",
    "read_estimates",
    "read_matrix",
    "read_named",
    "read_ratings",
    "read_register",
    "read_register_book",
    "register_spec",
]
