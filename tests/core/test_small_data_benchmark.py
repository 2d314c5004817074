"""The small-data benchmark's verdict: a row passes only when quality AND wall time meet the goal."""

from __future__ import annotations

import math

import pytest

from benchmarks.bench_small_data import ACCURACY_SLACK, MSE_FACTOR, SETS, TIME_FACTOR, meets_goal


@pytest.mark.parametrize(
    ("ours", "plain", "good"),
    [(0.80, 0.80, True), (0.79, 0.80, True), (0.80 - ACCURACY_SLACK, 0.80, True), (0.402, 0.434, False), (0.50, 0.80, False)],
)
def test_accuracy_may_be_at_most_the_slack_below_the_plain_script(ours, plain, good):
    assert meets_goal(ours, plain, 10.0, 10.0, regression=False) == (good, True)


@pytest.mark.parametrize(("ours", "plain", "good"), [(100.0, 100.0, True), (104.9, 100.0, True), (105.1, 100.0, False), (90.0, 100.0, True)])
def test_mse_may_be_at_most_five_percent_above_the_plain_script(ours, plain, good):
    assert MSE_FACTOR == 1.05
    assert meets_goal(ours, plain, 10.0, 10.0, regression=True) == (good, True)


def test_twice_the_plain_scripts_time_is_the_limit_and_nan_never_passes():
    assert TIME_FACTOR == 2.0
    assert meets_goal(0.9, 0.8, 20.0, 10.0, regression=False) == (True, True)
    assert meets_goal(0.9, 0.8, 20.1, 10.0, regression=False) == (True, False)
    assert meets_goal(math.nan, 0.8, 1.0, 10.0, regression=False) == (False, True)
    assert meets_goal(math.nan, 100.0, 1.0, 10.0, regression=True) == (False, True)


def test_the_sets_are_third_party_files_that_ship_in_the_repo():
    from benchmarks.bench_small_data import _files

    assert len(SETS) >= 4 and any(regression for *_, regression in SETS)
    for name, folder, _ in SETS:
        train, test = _files(name, folder)  # raises when a file is missing
        assert train.endswith("_TRAIN.ts") and test.endswith("_TEST.ts")
