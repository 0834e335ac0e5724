"""The scoring's worksheet functions: weighted scores, AHP weights and consistency, and
the weight changes that would put another proposal first."""

from __future__ import annotations

from typing import Any

import numpy as np

from cpcxl.common.errors import InputError
from cpcxl.common.examples import Example, examples
from cpcxl.common.fields import Number, parse_argument
from cpcxl.common.grid import cell_error, from_grid, to_grid
from cpcxl.common.limits import check_time
from cpcxl.common.values import is_blank

from .. import engine, inputs

# A 3×3 reciprocal matrix a12 = 2, a13 = 4, a23 = 3: its principal eigenvector is the vector of
# row geometric means, (8^(1/3), 1.5^(1/3), (1/12)^(1/3)), and lambda_max = 1 + d^(1/3) +
# d^(-1/3) with d = a13 / (a12 × a23) = 2/3 (so CI = (lambda_max − 3)/2, CR = CI / 0.58).
_GEO = (2.0, 1.5 ** (1 / 3), (1 / 12) ** (1 / 3))
_D = 4 / (2 * 3)
CR_EXAMPLE = ((1 + _D ** (1 / 3) + _D ** (-1 / 3)) - 3) / 2 / 0.58

#: The top of a scoring scale for CPC_WEIGHTED_SCORE: 5 by default, as the workbook's 0-5
#: scale (a local choice); up to 1,000, a local limit beyond any scale in use (0-5, 0-10,
#: 0-100).
SCALE_MAX = Number(
    what="the top of the scoring scale",
    low=1,
    high=1000,
    reason="a local limit: scoring scales run 0-5, 0-10 or 0-100",
)
DEFAULT_SCALE_MAX = 5


def _score_type(scale_max: float) -> Number:
    """A score on the scale 0..scale_max (issue 13 case 9: a score above the top of the scale
    is refused in its row's cell, not weighted as if it were on the scale)."""
    return Number(
        what="a score",
        low=0,
        high=scale_max,
        reason=f"the scoring scale, 0 to scale_max {scale_max:g}",
    )


def _weights(value: Any) -> np.ndarray:
    out = []
    for position, cell in enumerate(to_grid(value).cells.reshape(-1), start=1):
        if is_blank(cell):
            raise InputError(f"weight {position} is blank", valid="a weight for every criterion")
        out.append(parse_argument(inputs.WEIGHT, cell, f"weight {position}"))
    return np.array(out)


def _row_score(row: np.ndarray, weights: np.ndarray, score: Number) -> float:
    values = []
    for position, cell in enumerate(row, start=1):
        if is_blank(cell):
            raise InputError(f"score {position} is blank", valid="a score for every criterion")
        values.append(parse_argument(score, cell, f"score {position}"))
    return float(engine.weighted_scores(np.array([values]), weights)[0])


@examples(
    Example(
        ([4, 3, 5], [0.5, 0.3, 0.2]),
        3.9,
        "0.5×4 + 0.3×3 + 0.2×5 = 2 + 0.9 + 1 = 3.9.",
    ),
    Example(
        ([[4, 3, 5], [2, 2, 2], [None, None, None]], ["50%", "30%", "20%"]),
        [[3.9], [2.0], [None]],
        "One weighted score per row (proposal); a blank row stays blank.",
    ),
    Example(
        ([[4, 3, 5], [2, "n/a", 2]], [0.5, 0.3, 0.2]),
        [[3.9], ["#VALUE! score 2: 'n/a' is not a score; valid: a score from 0 to 5"]],
        "A bad score spoils only its own row.",
    ),
    Example(
        ([4, 6, 5], [0.5, 0.3, 0.2]),
        "#VALUE! score 2: 6 is outside 0 to 5 (the scoring scale, 0 to scale_max 5); valid: a "
        "score from 0 to 5",
        "A 6 on a 0-5 scale is refused, not weighted into a score of 4.9 out of 5.",
    ),
    Example(
        ([4, 6, 5], [0.5, 0.3, 0.2], 10),
        4.8,
        "On a 0-10 scale the 6 is a score: 0.5×4 + 0.3×6 + 0.2×5 = 2 + 1.8 + 1 = 4.8.",
    ),
    Example(
        ([4, 3, 5], [0.5, 0.3, 0.3]),
        "#VALUE! the weights add up to 110.0%, not 100%; valid: weights that sum to 100%",
        "Weights must sum to 100%.",
    ),
    Example(
        ([4, 3, 5], [50, 30, 20]),
        "#VALUE! weight 1: 50 is 5,000%, outside 0% to 100% for a weight (a criterion's share "
        "of the whole; the weights total 100%); type 50% (or 0.5); valid: a percentage from 0% "
        "to 100%",
        "A weight is a share: 50 is 5,000%, not 50%.",
    ),
)
def cpc_weighted_score(scores: Any, weights: Any, scale_max: Any = DEFAULT_SCALE_MAX) -> Any:
    """Weighted score: the sum of weight × score for each row of scores (one column per criterion, each from 0 to scale_max, 5 if blank); the weights are shares that sum to 100%."""  # noqa: E501
    top = (
        DEFAULT_SCALE_MAX
        if is_blank(scale_max)
        else parse_argument(SCALE_MAX, scale_max, "scale_max")
    )
    score = _score_type(top)
    w = _weights(weights)
    grid = to_grid(scores)
    cells = grid.cells.reshape(1, -1) if grid.kind != "table" else grid.cells
    engine.weighted_scores(np.zeros((1, len(w))), w)  # checks the weights once, for every row
    out = np.empty((cells.shape[0], 1), dtype=object)
    for r, row in enumerate(cells):
        if all(is_blank(v) for v in row):
            out[r, 0] = None
            continue
        check_time()
        try:
            out[r, 0] = _row_score(row, w, score)
        except InputError as exc:
            out[r, 0] = cell_error(str(exc))
    return from_grid(out, "table" if grid.kind == "table" and cells.shape[0] > 1 else "scalar")


def _matrix(value: Any) -> list[list[float]]:
    """Each cell a judgement; a problem names the cell by row and column. A matrix larger
    than Saaty's random index table (15 × 15) is refused before any cell is read."""
    cells = to_grid(value).cells
    if max(cells.shape) > max(engine.RANDOM_INDEX):
        raise InputError(
            f"the matrix is {cells.shape[0]} × {cells.shape[1]}: {max(cells.shape)} items are "
            "too many to compare pairwise reliably",
            valid=f"at most {max(engine.RANDOM_INDEX)} × {max(engine.RANDOM_INDEX)} (Saaty's "
            "random index table stops there)",
        )
    matrix = []
    for r, row in enumerate(cells, start=1):
        judged = []
        for c, cell in enumerate(row, start=1):
            where = f"row {r}, column {c}"
            if is_blank(cell):
                raise InputError(
                    f"{where} is blank", valid="a judgement from 1/9 to 9 in every cell"
                )
            judged.append(parse_argument(inputs.JUDGEMENT, cell, where))
        matrix.append(judged)
    return matrix


@examples(
    Example(
        ([[1, 2, 6], [0.5, 1, 3], [1 / 6, 1 / 3, 1]],),
        [[0.6], [0.3], [0.1]],
        "Consistent judgements (a_ij = w_i/w_j for weights 0.6, 0.3, 0.1) give those weights.",
    ),
    Example(
        ([[1, 2, 4], [0.5, 1, 3], [0.25, "1/3", 1]],),
        [[g / sum(_GEO)] for g in _GEO],
        "For a 3×3 the principal eigenvector is the row geometric means: 2, 1.145, 0.437.",
    ),
    Example(
        ([[1, 3, 1], [0.33, 1, 0.33], [1, 3, 1]],),
        [[3 / 7], [1 / 7], [3 / 7]],
        "A typed 0.33 is 1/3 above the diagonal as below: weights 3 : 1 : 3, so 3/7, 1/7, 3/7.",
    ),
    Example(
        ([[1, 3], [3, 1]],),
        "#VALUE! the matrix is not reciprocal: row 1, column 2 is 3 but row 2, column 1 is 3; "
        "valid: row 2, column 1 = 1/3 = 0.3333",
        "Each judgement below the diagonal must be the reciprocal of the one above.",
    ),
    Example(
        ([[1, 30], [1 / 30, 1]],),
        "#VALUE! row 1, column 2: 30 is outside Saaty's scale; valid: a judgement from 1/9 to 9, "
        "such as 3 or 1/3",
        "Saaty's scale runs from 1/9 to 9.",
    ),
)
def cpc_ahp_weights(matrix: Any) -> Any:
    """Criteria weights from a pairwise comparison matrix (analytic hierarchy process, principal eigenvector), one per row; refused if the consistency ratio is above 0.10."""  # noqa: E501
    weights = engine.ahp_weights(_matrix(matrix))
    return [[float(w)] for w in weights]


@examples(
    Example(([[1, 2, 6], [0.5, 1, 3], [1 / 6, 1 / 3, 1]],), 0.0, "Consistent judgements: CR 0."),
    Example(
        ([[1, 2, 4], [0.5, 1, 3], [0.25, 1 / 3, 1]],),
        CR_EXAMPLE,
        "lambda_max = 1 + (2/3)^(1/3) + (3/2)^(1/3) = 3.01830; CI 0.00915; CR = CI/0.58 = 0.0158.",
    ),
    Example(
        ([[1, 2, 3], [0.5, 1, 4]],),
        "#VALUE! the pairwise comparison matrix is not square (2×3); valid: n rows by n "
        "columns, one row and one column per criterion",
        "The matrix must be square.",
    ),
)
def cpc_ahp_consistency(matrix: Any) -> Any:
    """Saaty's consistency ratio of a pairwise comparison matrix (CI / random index); 0.10 or less is acceptable."""  # noqa: E501
    return float(engine.ahp(_matrix(matrix)).consistency_ratio)


#: Scores for CPC_WEIGHT_SENSITIVITY: 0 to 1,000, the scales CPC_WEIGHTED_SCORE allows.
SENSITIVITY_SCORE = Number(
    what="a score",
    low=0,
    high=1000,
    reason="a local limit: scoring scales run 0-5, 0-10 or 0-100",
)
#: Criteria in CPC_WEIGHT_SENSITIVITY: at most 100, a local limit beyond any set of criteria
#: (rounds use 4 to 10); checked before any cell is read.
MAX_CRITERIA = 100


def _score_rows(value: Any, criteria: int) -> np.ndarray:
    cells = to_grid(value).cells
    if cells.ndim == 1 or (cells.shape[0] == 1 and criteria != cells.shape[1]):
        cells = cells.reshape(1, -1)
    if cells.shape[0] > inputs.MAX_PROPOSALS:
        raise InputError(
            f"scores: {cells.shape[0]:,} rows, more than the {inputs.MAX_PROPOSALS:,} proposals "
            "a round may have",
            valid=f"one row per proposal, at most {inputs.MAX_PROPOSALS:,}",
        )
    if cells.shape[1] != criteria:
        raise InputError(
            f"the scores have {cells.shape[1]} columns but there are {criteria} weights",
            valid="one column of scores per criterion, one weight per criterion",
        )
    out = np.zeros(cells.shape)
    for (r, c), cell in np.ndenumerate(cells):
        where = f"scores row {r + 1}, column {c + 1}"
        if is_blank(cell):
            raise InputError(
                f"{where} is blank", valid="a score for every proposal on every criterion"
            )
        out[r, c] = parse_argument(SENSITIVITY_SCORE, cell, where)
    return out


@examples(
    Example(
        ([[5, 1], [1, 4]], [0.6, 0.4]),
        [[-1.2 / 7, 1.2 / 7]],
        "A leads 0.6×5 + 0.4×1 = 3.4 to B's 0.6×1 + 0.4×4 = 2.2. Moving the first weight by d "
        "(the second becomes 0.4 - d) gives A 3.4 + 4d and B 2.2 - 3d: level at d = -1.2/7 = "
        "-0.1714 (the first weight 3/7). Moving the second by d rescales the first to 0.6 - d: "
        "the same weights from the other side, so +0.1714 (the second weight 4/7).",
    ),
    Example(
        ([[5, 1], [1, 4], [3, 3]], [0.6, 0.4]),
        [[-0.1, 0.1]],
        "A 3.4, B 2.2, C 3.0: C scores 3 whatever the weights, A 3.4 + 4d; level at d = -0.1 "
        "(weights 50% and 50%: A 3, C 3), before B (d = -0.1714).",
    ),
    Example(
        ([[5, 5], [1, 1]], ["50%", "50%"]),
        [[None, None]],
        "A scores 5 on both criteria and B 1: no weights put B first, so both are blank.",
    ),
    Example(
        ([[5, 1], [1, 4]], [0.6, 0.5]),
        "#VALUE! the weights add up to 110.0%, not 100%; valid: weights that sum to 100%",
        "The weights must total 100%, as for a weighted score.",
    ),
)
def cpc_weight_sensitivity(scores: Any, weights: Any) -> Any:
    """For each criterion, the smallest change in its weight (others rescaled in proportion) that changes which row of scores ranks first, as a signed fraction; blank where none does."""  # noqa: E501
    w = _weights(weights)
    if len(w) > MAX_CRITERIA:
        raise InputError(
            f"{len(w)} weights are more than the {MAX_CRITERIA} criteria allowed",
            valid=f"at most {MAX_CRITERIA} criteria (a local limit)",
        )
    engine.weighted_scores(np.zeros((1, len(w))), w)  # the weights total 100%
    s = _score_rows(scores, len(w))
    changes = engine.weight_sensitivity(s, w)
    return [[c.change for c in changes]]
