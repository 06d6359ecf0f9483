"""Trend forecasts from the twin's own lab history.

A least-squares line through the results of the last ``window_days`` gives the slope per year
with its standard error and 95% confidence interval (Student t). From the value the line
predicts for today, the time until a threshold that changes the pathway is crossed (eGFR 45:
metformin dose review; 30: stop) is ``(threshold - today) / slope``, with a range from the
interval's slopes. Nothing is forecast from fewer than ``min_points`` results or from results
spanning under ``min_span_days``: the forecast says so instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kg.reasoning.pathways.model import ForecastRule, Threshold
from kg.reasoning.pathways.twin import LabPoint, iso_date

__all__ = ["Crossing", "Forecast", "Trend", "fit_trend", "forecast", "t_quantile_975"]

YEAR = 365.25 * 86400
HORIZON_YEARS = 10.0
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t_quantile_975(df: int) -> float:
    """The 97.5% quantile of Student's t with ``df`` degrees of freedom (two-sided 95%)."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df <= len(_T975):
        return _T975[df - 1]
    if df <= 40:
        return 2.021
    if df <= 60:
        return 2.000
    if df <= 120:
        return 1.980
    return 1.960


@dataclass(frozen=True)
class Trend:
    """A least-squares line ``value = intercept + slope * years`` (years from ``t0_epoch``)."""

    n: int
    slope: float  # per year
    intercept: float
    slope_se: float
    t0_epoch: int
    residual_sd: float

    @property
    def ci95(self) -> tuple[float, float]:
        """The 95% confidence interval of the slope."""
        half = t_quantile_975(self.n - 2) * self.slope_se
        return (self.slope - half, self.slope + half)

    def predict(self, epoch: int) -> float:
        """The line's value at ``epoch``."""
        return self.intercept + self.slope * (epoch - self.t0_epoch) / YEAR


def fit_trend(points: Sequence[tuple[int, float]]) -> Trend:
    """Fit a least-squares line to ``(epoch, value)`` points (at least 3, not all at once).

    Raises:
        ValueError: fewer than 3 points, or every point at the same time.
    """
    n = len(points)
    if n < 3:
        raise ValueError(f"a trend needs at least 3 points, got {n}")
    t0 = points[-1][0]
    xs = [(e - t0) / YEAR for e, _ in points]
    ys = [v for _, v in points]
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("every point has the same time")
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = my - slope * mx
    ssr = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    resid_var = ssr / (n - 2)
    return Trend(
        n=n,
        slope=slope,
        intercept=intercept,
        slope_se=math.sqrt(resid_var / sxx),
        t0_epoch=t0,
        residual_sd=math.sqrt(resid_var),
    )


@dataclass(frozen=True)
class Crossing:
    """When a threshold is expected to be crossed at the current trend."""

    value: float
    direction: str
    action: str
    status: str  # already_crossed, expected, not_expected, not_applicable, unknown
    message: str
    step: str | None = None
    due_date: str | None = None
    months: float | None = None
    months_range: tuple[float, float | None] | None = None
    citation: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "threshold": self.value,
            "direction": self.direction,
            "action": self.action,
            "step": self.step,
            "status": self.status,
            "message": self.message,
            "due_date": self.due_date,
            "months": None if self.months is None else round(self.months, 1),
            "months_range": None
            if self.months_range is None
            else [
                round(self.months_range[0], 1),
                None if self.months_range[1] is None else round(self.months_range[1], 1),
            ],
            "citation": self.citation,
        }


@dataclass(frozen=True)
class Forecast:
    """A lab trend and the pathway thresholds it will cross, or why there is no forecast."""

    id: str
    label: str
    unit: str
    status: str  # ok or insufficient_data
    message: str
    n_points: int
    min_points: int
    latest_value: float | None = None
    latest_date: str | None = None
    first_date: str | None = None
    slope_per_year: float | None = None
    slope_se: float | None = None
    slope_ci95: tuple[float, float] | None = None
    predicted_now: float | None = None
    crossings: tuple[Crossing, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""

        def r3(v: float | None) -> float | None:
            return None if v is None else round(v, 3)

        return {
            "id": self.id,
            "label": self.label,
            "unit": self.unit,
            "status": self.status,
            "message": self.message,
            "n_points": self.n_points,
            "min_points": self.min_points,
            "latest_value": self.latest_value,
            "latest_date": self.latest_date,
            "first_date": self.first_date,
            "slope_per_year": r3(self.slope_per_year),
            "slope_se": r3(self.slope_se),
            "slope_ci95": None if self.slope_ci95 is None else [r3(v) for v in self.slope_ci95],
            "predicted_now": r3(self.predicted_now),
            "crossings": [c.to_dict() for c in self.crossings],
        }


def _span_text(months: float) -> str:
    if months < 1:
        return "within a month"
    if months < 24:
        return f"in about {round(months)} month{'s' if round(months) != 1 else ''}"
    return f"in about {months / 12:.1f} years"


def _crossing(
    th: Threshold,
    trend: Trend,
    latest: LabPoint,
    now_epoch: int,
    label: str,
    unit: str,
    citation: str | None,
) -> Crossing:
    below = th.direction == "below"
    base = {
        "value": th.value,
        "direction": th.direction,
        "action": th.action,
        "step": th.step,
        "citation": citation,
    }
    beyond = latest.value < th.value if below else latest.value > th.value
    if beyond:
        return Crossing(
            status="already_crossed",
            message=f"{label} {latest.value:g} on {latest.effective[:10]} is already "
            f"{th.direction} {th.value:g}: {th.action} is due now",
            due_date=iso_date(now_epoch),
            months=0.0,
            **base,  # type: ignore[arg-type]
        )
    now_value = trend.predict(now_epoch)
    moving = trend.slope < 0 if below else trend.slope > 0
    change = "decline" if trend.slope < 0 else "rise"
    rate = f"{abs(trend.slope):.1f} {unit} per year".strip()
    if not moving:
        return Crossing(
            status="not_expected",
            message=f"{label} is {'stable or rising' if below else 'stable or falling'} "
            f"({trend.slope:+.1f} {unit} per year): {th.direction} {th.value:g} is not "
            "expected at the current trend",
            **base,  # type: ignore[arg-type]
        )
    years = max((th.value - now_value) / trend.slope, 0.0)
    if years > HORIZON_YEARS:
        return Crossing(
            status="not_expected",
            message=f"{th.direction} {th.value:g} is not expected within "
            f"{HORIZON_YEARS:g} years at the current {change} of {rate}",
            **base,  # type: ignore[arg-type]
        )
    lo, hi = trend.ci95
    fast, slow = (lo, hi) if below else (hi, lo)
    fast_years = max((th.value - now_value) / fast, 0.0)
    slow_still_moving = slow < 0 if below else slow > 0
    slow_years = max((th.value - now_value) / slow, 0.0) if slow_still_moving else None
    months = years * 12
    rng = (fast_years * 12, None if slow_years is None else slow_years * 12)
    if slow_years is None:
        rng_text = (
            f"95% CI from {_span_text(rng[0]).removeprefix('in ')} to never "
            "(the trend is uncertain)"
        )
    else:
        rng_text = (
            f"95% CI {_span_text(rng[0]).removeprefix('in ')} to "
            f"{_span_text(rng[1] or 0).removeprefix('in ')}"
        )
    due = iso_date(int(now_epoch + years * YEAR))
    return Crossing(
        status="expected",
        message=f"{th.action} due {_span_text(months)} (around {due[:7]}) at the current "
        f"{change} of {rate} ({rng_text})",
        due_date=due,
        months=months,
        months_range=rng,
        **base,  # type: ignore[arg-type]
    )


def forecast(
    rule: ForecastRule,
    series: Sequence[LabPoint],
    now_epoch: int,
    *,
    applies: Callable[[Threshold], bool | None] = lambda th: True,
    cite: Callable[[str], str | None] = lambda key: None,
) -> Forecast:
    """Trend one lab and time its thresholds.

    Args:
        rule: the forecast rule of the pathway.
        series: the twin's results for the rule's LOINC codes, oldest first.
        now_epoch: the reference time.
        applies: whether a threshold's ``when`` criterion holds for the twin.
        cite: the citation text of a source key.
    """
    since = now_epoch - rule.window_days * 86400
    pts = [p for p in series if since <= p.epoch <= now_epoch]
    base = {
        "id": rule.id,
        "label": rule.label,
        "unit": rule.unit,
        "n_points": len(pts),
        "min_points": rule.min_points,
    }
    window = f"the last {rule.window_days} days"
    if not pts:
        return Forecast(
            status="insufficient_data",
            message=f"no {rule.label} results in {window}: no trend can be given",
            **base,  # type: ignore[arg-type]
        )
    latest = pts[-1]
    span_days = (pts[-1].epoch - pts[0].epoch) / 86400
    facts = {
        "latest_value": latest.value,
        "latest_date": latest.effective[:10],
        "first_date": pts[0].effective[:10],
    }
    if len(pts) < rule.min_points or span_days < rule.min_span_days:
        return Forecast(
            status="insufficient_data",
            message=f"{len(pts)} {rule.label} result{'s' if len(pts) != 1 else ''} in {window} "
            f"spanning {span_days:.0f} days: a trend needs at least {rule.min_points} results "
            f"over {rule.min_span_days} days or more, so none is given",
            **base,  # type: ignore[arg-type]
            **facts,  # type: ignore[arg-type]
        )
    trend = fit_trend([(p.epoch, p.value) for p in pts])
    crossings = []
    for th in rule.thresholds:
        ok = applies(th)
        if ok is False:
            crossings.append(
                Crossing(
                    th.value,
                    th.direction,
                    th.action,
                    "not_applicable",
                    "does not apply to this twin now",
                    step=th.step,
                    citation=cite(th.source),
                )
            )
            continue
        crossings.append(
            _crossing(th, trend, latest, now_epoch, rule.label, rule.unit, cite(th.source))
        )
    lo, hi = trend.ci95
    return Forecast(
        status="ok",
        message=f"{rule.label} {trend.slope:+.2f} {rule.unit} per year (SE {trend.slope_se:.2f}; "
        f"95% CI {lo:+.2f} to {hi:+.2f}) from {trend.n} results",
        slope_per_year=trend.slope,
        slope_se=trend.slope_se,
        slope_ci95=trend.ci95,
        predicted_now=trend.predict(now_epoch),
        crossings=tuple(crossings),
        **base,  # type: ignore[arg-type]
        **facts,  # type: ignore[arg-type]
    )
