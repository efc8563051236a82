"""The benchmarks' one way of summing up timings: nearest-rank percentiles."""

from __future__ import annotations

import statistics


def percentile(values: list[float], q: float) -> float:
    """Nearest rank, as the evaluation figures do (0.0 for no values)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def latency_line(name: str, values: list[float], baseline: float | None, *, width: int) -> str:
    """`name  p50 … ms  p95 … ms`, with the p50 as a ratio to a baseline p50 when given."""
    p50, p95 = statistics.median(values), percentile(values, 0.95)
    ratio = f"  {p50 / baseline:.2f}x the baseline p50" if baseline else ""
    return f"  {name:<{width}} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms{ratio}"
