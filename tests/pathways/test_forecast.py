"""Least-squares trends and threshold timing, checked against known lines and numpy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kg.reasoning.pathways import Forecast, fit_trend
from kg.reasoning.pathways.forecast import YEAR, forecast, t_quantile_975
from kg.reasoning.pathways.model import ForecastRule, Threshold
from kg.reasoning.pathways.twin import LabPoint, epoch_of, iso_date

NOW = epoch_of("2026-09-30")
DAY = 86400
RULE = ForecastRule(
    id="egfr",
    label="eGFR",
    unit="mL/min/1.73m2",
    loinc=("LOINC:33914-3",),
    thresholds=(
        Threshold(45.0, "below", "metformin dose review", "fda", step="metformin_dose_review"),
        Threshold(30.0, "below", "stop metformin", "fda"),
    ),
    min_points=3,
    window_days=1095,
)


def series(values: list[float], every_days: int, *, end: int = NOW) -> list[LabPoint]:
    n = len(values)
    pts = []
    for i, v in enumerate(values):
        t = end - (n - 1 - i) * every_days * DAY
        pts.append(LabPoint("33914-3", v, t, iso_date(t)))
    return pts


def test_exact_line_gives_its_slope_and_no_uncertainty() -> None:
    # eGFR falls 6 per year: one point every quarter for two years
    pts = [(NOW - int(k * YEAR / 4), 60.0 - 6.0 * (-k / 4)) for k in range(8, -1, -1)]
    trend = fit_trend(pts)
    assert trend.slope == pytest.approx(-6.0, abs=1e-9)
    assert trend.slope_se == pytest.approx(0.0, abs=1e-9)
    assert trend.predict(NOW) == pytest.approx(60.0)


def test_noisy_slope_and_standard_error_match_numpy() -> None:
    rng = np.random.default_rng(7)
    days = np.sort(rng.integers(0, 900, size=12))
    values = 70 - 8.0 * days / 365.25 + rng.normal(0, 2.0, size=12)
    pts = [(NOW - int((900 - d) * DAY), float(v)) for d, v in zip(days, values, strict=True)]
    trend = fit_trend(pts)
    x = np.array([(e - pts[-1][0]) / YEAR for e, _ in pts])
    y = np.array([v for _, v in pts])
    (slope, intercept), cov = np.polyfit(x, y, 1, cov="unscaled")
    resid = y - (slope * x + intercept)
    se = math.sqrt(float(resid @ resid) / (len(x) - 2) * cov[0, 0])
    assert trend.slope == pytest.approx(slope, rel=1e-9)
    assert trend.slope_se == pytest.approx(se, rel=1e-9)
    lo, hi = trend.ci95
    assert lo < slope < hi and hi - lo == pytest.approx(2 * t_quantile_975(10) * se)


def test_threshold_timing_at_a_known_decline() -> None:
    # 60 falling 6/year, measured monthly for a year -> 45 in 2.5 years, 30 in 5 years
    vals = [66.0 - 6.0 * i / 12 for i in range(13)]
    fc = forecast(RULE, series(vals, 30), NOW)
    assert isinstance(fc, Forecast) and fc.status == "ok"
    assert fc.slope_per_year == pytest.approx(-6.0 * 365.25 / 360, rel=1e-6)
    review, stop = fc.crossings
    assert review.status == "expected" and stop.status == "expected"
    expected_years = (45.0 - fc.predicted_now) / fc.slope_per_year  # type: ignore[operator]
    assert review.months == pytest.approx(expected_years * 12)
    assert 29 < review.months < 31 and 59 < stop.months < 61  # type: ignore[operator]
    assert "metformin dose review due in about 2.5 years" in review.message
    assert review.step == "metformin_dose_review"


def test_months_message_and_uncertainty_range() -> None:
    vals = [52.0, 50.5, 48.0, 47.5, 46.0]  # about -6/year, noisy: a range around the estimate
    fc = forecast(RULE, series(vals, 90), NOW)
    review = fc.crossings[0]
    assert review.status == "expected"
    low, high = review.months_range  # type: ignore[misc]
    assert low is not None and low <= review.months  # type: ignore[operator]
    assert high is None or high >= review.months  # type: ignore[operator]
    assert "month" in review.message and "95% CI" in review.message


def test_already_crossed_and_not_expected() -> None:
    falling = forecast(RULE, series([50.0, 47.0, 44.0], 120), NOW)
    assert falling.crossings[0].status == "already_crossed"
    assert "eGFR 44 on" in falling.crossings[0].message
    rising = forecast(RULE, series([50.0, 52.0, 55.0], 120), NOW)
    assert [c.status for c in rising.crossings] == ["not_expected", "not_expected"]


def test_too_few_points_say_so() -> None:
    two = forecast(RULE, series([55.0, 41.0], 200), NOW)
    assert two.status == "insufficient_data"
    assert two.slope_per_year is None and two.crossings == ()
    assert "2 eGFR results" in two.message and "at least 3" in two.message
    none = forecast(RULE, [], NOW)
    assert none.status == "insufficient_data" and "no eGFR results" in none.message
    with pytest.raises(ValueError, match="at least 3 points"):
        fit_trend([(0, 1.0), (DAY, 2.0)])


def test_points_too_close_together_or_out_of_window() -> None:
    close = forecast(RULE, series([50.0, 48.0, 46.0, 44.5], 10), NOW)  # 30 days in all
    assert close.status == "insufficient_data" and "over 90 days" in close.message
    old = series([60.0, 58.0, 56.0], 100, end=NOW - 4 * 365 * DAY)  # outside the 1095-day window
    assert forecast(RULE, old, NOW).status == "insufficient_data"


def test_threshold_not_applicable_when_its_condition_fails() -> None:
    vals = [66.0 - 6.0 * i / 12 for i in range(13)]
    fc = forecast(RULE, series(vals, 30), NOW, applies=lambda th: th.value != 30.0)
    assert [c.status for c in fc.crossings] == ["expected", "not_applicable"]
    assert fc.to_dict()["crossings"][1]["status"] == "not_applicable"
