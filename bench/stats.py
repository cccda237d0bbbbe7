"""Small, dependency-free statistics for timings (milliseconds)."""

from __future__ import annotations

import math
from collections.abc import Iterable


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation between closest ranks.

    The same definition as numpy's default ("linear") and `statistics.quantiles(...,
    method="inclusive")`: for 5 values p95 lies 80% of the way from the 4th to the 5th.
    None for no values.
    """
    data = sorted(float(v) for v in values)
    if not data:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0..100")
    pos = (len(data) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def median(values: Iterable[float]) -> float | None:
    return percentile(values, 50)


def summary(values: Iterable[float], digits: int = 1) -> dict:
    """{"n", "median", "p95", "min", "max"} rounded; values None when there are none."""
    data = [float(v) for v in values]

    def r(x: float | None) -> float | None:
        return None if x is None else round(x, digits)

    return {"n": len(data), "median": r(median(data)), "p95": r(percentile(data, 95)),
            "min": r(min(data)) if data else None, "max": r(max(data)) if data else None}


def ratio(a: float | None, b: float | None, digits: int = 2) -> float | None:
    """a / b, rounded; None when either is missing or b is zero."""
    if a is None or b is None or b == 0:
        return None
    return round(a / b, digits)
