"""The calibration of confidence.py: (highest raw score of a step, measured precision of the
candidates in it), ascending. Written by `bench/extract.py --calibrate` from the
development part of the reference; empty means not fitted (the raw score is used)."""

from __future__ import annotations

CALIBRATION: tuple[tuple[float, float], ...] = ()
