"""Risk scoring, register checks, summaries and quantified exposure. Pure: no Excel, no files.

``scoring``: scores, bands, flags and movement. ``summaries``: what the Summary counts.
``exposure``: the Monte Carlo £ exposure.
"""

from __future__ import annotations

from ..models import default_appetite
from .assess import Assessment, assess, register_correlation
from .correlation import (
    MAX_CORRELATED_RISKS,
    CorrelationError,
    check_matrix,
    nearest_correlation,
)
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
from .links import action_status_counts, score_actions
from .scoring import band_names, flag_column, heat_map, score_register, scores
from .summaries import (
    band_counts,
    board_risks,
    category_counts,
    flag_counts,
    incident_table,
    movement,
    movement_counts,
    objective_table,
    open_risks,
    overdue_actions,
    register_heat_map,
    response_counts,
    top_risks,
)

__all__ = [
    "CHUNK_CELLS",
    "EXACT_ITERATIONS",
    "EXPOSURE_ITERATIONS",
    "HISTOGRAM_BINS",
    "MAX_CORRELATED_RISKS",
    "PERT_LAMBDA",
    "POUNDS",
    "Assessment",
    "CorrelationError",
    "Distribution",
    "Driver",
    "Exposure",
    "ExposureAnalysis",
    "Phase",
    "action_status_counts",
    "analyse_exposure",
    "assess",
    "band_counts",
    "band_names",
    "board_risks",
    "category_counts",
    "check_estimates",
    "check_matrix",
    "check_size",
    "default_appetite",
    "flag_column",
    "flag_counts",
    "heat_map",
    "incident_table",
    "movement",
    "movement_counts",
    "nearest_correlation",
    "objective_table",
    "open_risks",
    "overdue_actions",
    "register_correlation",
    "register_exposure",
    "register_heat_map",
    "response_counts",
    "round_pounds",
    "score_actions",
    "score_register",
    "scores",
    "simulate_exposure",
    "simulate_totals",
    "top_risks",
]
