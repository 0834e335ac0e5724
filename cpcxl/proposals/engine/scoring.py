"""Scores against the criteria: the score matrix of a round and weighted scores."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from cpcxl.common.errors import InputError, InputErrors

from ..models import CriteriaSet


def weighted_scores(scores: npt.ArrayLike, weights: npt.ArrayLike) -> np.ndarray:
    """Σ weight × score for each row; weights must sum to 1."""
    w = np.asarray(weights, dtype=float)
    if (w < 0).any():
        raise InputError("a weight is negative", valid="weights from 0% to 100%")
    if not math.isclose(float(w.sum()), 1.0, abs_tol=1e-3):
        raise InputError(
            f"the weights add up to {w.sum():.1%}, not 100%", valid="weights that sum to 100%"
        )
    s = np.atleast_2d(np.asarray(scores, dtype=float))
    if s.shape[1] != len(w):
        raise InputError(
            f"there are {s.shape[1]} scores but {len(w)} weights",
            valid="one weight per criterion (score column)",
        )
    return s @ w


def score_matrix(
    ids: Sequence[str],
    criteria: CriteriaSet,
    scores: Mapping[tuple[str, str], float],
) -> np.ndarray:
    """Proposals × criteria scores; every score must be given and on the scale."""
    errors = InputErrors()
    out = np.full((len(ids), len(criteria.criteria)), np.nan)
    lowered = {(p, c.strip().lower()): v for (p, c), v in scores.items()}
    for i, pid in enumerate(ids):
        for j, c in enumerate(criteria.criteria):
            value = lowered.get((pid, c.name.strip().lower()))
            if value is None:
                errors.add(InputError(f"proposal {pid} has no score for {c.name!r}"))
            elif not criteria.scale_min <= value <= criteria.scale_max:
                errors.add(
                    InputError(
                        f"proposal {pid} scores {value:g} on {c.name!r}, outside the scale",
                        valid=f"{criteria.scale_min:g} to {criteria.scale_max:g}",
                    )
                )
            else:
                out[i, j] = value
    known = {c.name.strip().lower() for c in criteria.criteria}
    for (pid, cname), _ in lowered.items():
        if cname not in known:
            errors.add(
                InputError(
                    f"proposal {pid} is scored on {cname!r}, which is not a criterion",
                    valid=", ".join(criteria.names),
                )
            )
    errors.raise_if_any()
    return out
