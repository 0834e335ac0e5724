"""Moderating a panel's scores: one score for each proposal on each criterion, from the
members' (conflicted members left out) or the chair's, and the criteria the panel must
discuss because its members differ too much (CPC 506 B3: evaluated against the stated
criteria; B1: fair).

Vectorised over proposals × criteria × members, so a round of 1,000 proposals scored by a
panel of seven on six criteria is moderated in milliseconds.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..models import ModerationMethod, Panel


@dataclass(frozen=True)
class Moderated:
    """The moderation of a round, as arrays over (proposal, criterion[, member]).

    ``members`` holds each member's score (NaN: none given, or conflicted); ``derived`` the
    median or mean of them; ``chair`` the chair's score (NaN: none); ``final`` the chair's
    where given, else the derived; ``flagged`` where the members' scores spread by more
    than the panel's spread.
    """

    ids: tuple[str, ...]
    criteria: tuple[str, ...]
    member_names: tuple[str, ...]
    members: np.ndarray
    comments: dict[tuple[int, int, int], str]
    conflicted: np.ndarray  # (proposal, member) booleans
    chair: np.ndarray
    derived: np.ndarray
    final: np.ndarray
    low: np.ndarray
    high: np.ndarray
    count: np.ndarray
    flagged: np.ndarray
    method: ModerationMethod
    spread: float

    def scores(self) -> dict[tuple[str, str], float]:
        """{(proposal, criterion): final score} wherever there is one."""
        out: dict[tuple[str, str], float] = {}
        for i, j in zip(*np.nonzero(np.isfinite(self.final)), strict=True):
            out[self.ids[i], self.criteria[j]] = float(self.final[i, j])
        return out


def moderate_scores(
    members: np.ndarray,
    chair: np.ndarray,
    method: ModerationMethod = ModerationMethod.MEDIAN,
    spread: float = 2.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(derived, final, low, high, count, flagged) from the members' scores (proposal ×
    criterion × member, NaN where none) and the chair's (proposal × criterion, NaN where
    none). A pair no member scored has a NaN derived score; it is flagged only when the
    scores of two or more members spread by more than ``spread``."""
    count = np.isfinite(members).sum(axis=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN pairs: no score, NaN
        derived = (
            np.nanmedian(members, axis=2)
            if method == ModerationMethod.MEDIAN
            else np.nanmean(members, axis=2)
        )
        low = np.nanmin(members, axis=2)
        high = np.nanmax(members, axis=2)
    flagged = (count >= 2) & ((high - low) > spread + 1e-9)
    final = np.where(np.isfinite(chair), chair, derived)
    return derived, final, low, high, count, flagged


def moderate(panel: Panel, ids: Sequence[str], criteria: Sequence[str]) -> Moderated:
    """The panel's scores moderated for the round's proposals and criteria."""
    names = tuple(panel.members)
    p_index = {pid: i for i, pid in enumerate(ids)}
    c_index = {c: j for j, c in enumerate(criteria)}
    m_index = {m: k for k, m in enumerate(names)}
    members = np.full((len(ids), len(criteria), len(names)), np.nan)
    comments: dict[tuple[int, int, int], str] = {}
    for s in panel.scores:
        if s.proposal_id in p_index and s.criterion in c_index:
            key = (p_index[s.proposal_id], c_index[s.criterion], m_index[s.member])
            members[key] = s.score
            if s.comment:
                comments[key] = s.comment
    conflicted = np.zeros((len(ids), len(names)), bool)
    for c in panel.conflicts:
        if c.proposal_id in p_index:
            conflicted[p_index[c.proposal_id], m_index[c.member]] = True
    members[np.broadcast_to(conflicted[:, None, :], members.shape)] = np.nan
    chair = np.full((len(ids), len(criteria)), np.nan)
    for (pid, name), given in panel.chair.items():
        if given.score is not None and pid in p_index and name in c_index:
            chair[p_index[pid], c_index[name]] = given.score
    derived, final, low, high, count, flagged = moderate_scores(
        members, chair, panel.method, panel.spread
    )
    return Moderated(
        tuple(ids),
        tuple(criteria),
        names,
        members,
        comments,
        conflicted,
        chair,
        derived,
        final,
        low,
        high,
        count,
        flagged,
        panel.method,
        panel.spread,
    )
