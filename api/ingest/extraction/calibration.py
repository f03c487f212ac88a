"""The calibration of confidence.py: (highest raw score of a step, measured precision of
the candidates in it), ascending. Written by `bench/extract.py --calibrate` from the
development part of the reference; empty means not fitted (the raw score is used)."""

from __future__ import annotations

# Fitted on 279 candidates: span and speaker right, dev documents of the references.
CALIBRATION: tuple[tuple[float, float], ...] = (
    (0.46, 0.273),
    (0.65, 0.678),
    (0.8, 0.895),
    (0.86, 0.939),
    (0.9, 0.971),
)
