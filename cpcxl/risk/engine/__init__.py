"""Risk scoring, register checks, summaries and quantified exposure. Pure: no Excel, no files.

``scoring``: scores, bands, flags and movement. ``summaries``: what the Summary counts.
``exposure``: the Monte Carlo £ exposure.
"""

from __future__ import annotations

from ..models import default_appetite
from .exposure import (
    CHUNK_CELLS,
    EXACT_ITERATIONS,
    EXPOSURE_ITERATIONS,
    HISTOGRAM_BINS,
    PERT_LAMBDA,
    POUNDS,
    Distribution,
    Driver,
    Exposure,
    ExposureAnalysis,
    Phase,
    analyse_exposure,
    check_estimates,
    check_size,
    register_exposure,
    round_pounds,
    simulate_exposure,
    simulate_totals,
)
from .scoring import band_names, flag_column, heat_map, score_register, scores
from .summaries import (
    band_counts,
    category_counts,
    flag_counts,
    movement,
    movement_counts,
    open_risks,
    register_heat_map,
    top_risks,
)

__all__ = [
    "CHUNK_CELLS",
    "EXACT_ITERATIONS",
    "EXPOSURE_ITERATIONS",
    "HISTOGRAM_BINS",
    "PERT_LAMBDA",
    "POUNDS",
    "Distribution",
    "Driver",
    "Exposure",
    "ExposureAnalysis",
    "Phase",
    "analyse_exposure",
    "band_counts",
    "band_names",
    "category_counts",
    "check_estimates",
    "check_size",
    "default_appetite",
    "flag_column",
    "flag_counts",
    "heat_map",
    "movement",
    "movement_counts",
    "open_risks",
    "register_exposure",
    "register_heat_map",
    "round_pounds",
    "score_register",
    "scores",
    "simulate_exposure",
    "simulate_totals",
    "top_risks",
]
