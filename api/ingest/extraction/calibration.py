"""The calibration of confidence.py: (highest raw score of a step, measured precision of
the candidates in it), ascending. Written by `bench/extract.py --calibrate` from the
development part of the reference; empty means not fitted (the raw score is used)."""

from __future__ import annotations

# Fitted on 279 candidates: span and speaker right, dev documents of the references.
CALIBRATION: tuple[tuple[float, float], ...] = (
    (0.7, 0.67),
    (0.85, 0.873),
    (0.95, 0.971),
)
