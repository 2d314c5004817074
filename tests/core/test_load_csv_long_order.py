"""Long-layout CSV: rows land in (id, step) order whichever way the loader orders them.

The loader places rows directly when every sequence's steps are consecutive integers and
sorts otherwise; both must give exactly what a plain pandas sort + groupby gives, and the
duplicate-step error and gap warning must still appear when they apply.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import LoadError
from core.loaders import load
from core.loaders.table_build import order_by_id_then_step as _order_by_id_then_step
from core.loaders.table_build import sequence_codes as _sequence_codes
from core.options import LoadOptions

OPTIONS = LoadOptions(format="csv", layout="long", id_col="id", time_col="step", feature_cols=("a", "b"))


def _expected(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[str]]:
    ordered = frame.sort_values(["id", "step"], kind="stable")
    lengths = ordered.groupby("id", sort=True).size().to_numpy()
    ids = [str(i) for i in ordered["id"].drop_duplicates()]
    return ordered[["a", "b"]].to_numpy(np.float32), lengths, ids


def _write(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False)
    return path


def _frame(ids: np.ndarray, steps: np.ndarray, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"id": ids, "step": steps, "a": rng.normal(size=ids.size).round(4),
                          "b": np.arange(ids.size, dtype=np.float64)})
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


@pytest.mark.parametrize("case", ["from-zero", "from-one", "own-start-per-id", "negative-ids", "sparse-ids",
                                  "huge-id-range", "text-ids", "gaps", "even-steps", "float-steps", "one-row-sequences"])
def test_long_rows_match_a_pandas_sort(tmp_path, case):
    lengths = np.array([3, 1, 4, 2, 5])
    ids = np.repeat(np.array([7, 3, 11, 5, 1]), lengths)
    steps = np.concatenate([np.arange(n) for n in lengths]).astype(np.int64)
    if case == "from-one":
        steps = steps + 1
    elif case == "own-start-per-id":
        steps = steps + np.repeat(np.array([100, -4, 0, 7, 2]), lengths)
    elif case == "negative-ids":
        ids = ids - 9
    elif case == "sparse-ids":
        ids = ids * 1000
    elif case == "huge-id-range":
        ids = np.where(ids == 7, 2**62, ids)
    elif case == "text-ids":
        ids = np.array([f"s{i}" for i in ids])
    elif case == "gaps":
        steps = steps + (steps >= 2)  # 0, 1, 3, 4, …: a jump over 2
    elif case == "even-steps":
        steps = steps * 2  # a regular stride of 2 is not a gap
    elif case == "float-steps":
        steps = steps * 0.5
    elif case == "one-row-sequences":
        ids, steps = np.arange(6) * 3, np.zeros(6, dtype=np.int64)
    frame = _frame(ids, steps)
    dataset = load(_write(tmp_path, frame), OPTIONS)
    values, expected_lengths, expected_ids = _expected(frame)
    np.testing.assert_array_equal(dataset.values, values)
    np.testing.assert_array_equal(dataset.lengths, expected_lengths)
    assert list(dataset.sample_ids) == expected_ids
    skipped = [w for w in dataset.source.warnings if "skip steps" in w]
    assert bool(skipped) == (case == "gaps")


@pytest.mark.parametrize("steps", [[0, 1, 1, 2], [0, 2, 2, 3], [5, 6, 5, 7]])
def test_duplicate_steps_are_still_an_error(tmp_path, steps):
    frame = pd.DataFrame({"id": [1, 1, 1, 1], "step": steps, "a": [1.0, 2, 3, 4], "b": [0.0, 0, 0, 0]})
    with pytest.raises(LoadError, match=r"sequence '1' has step \d+ twice"):
        load(_write(tmp_path, frame), OPTIONS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-2, 6)), min_size=1, max_size=40))
def test_order_equals_lexsort(pairs):
    ids = np.array([p[0] for p in pairs], dtype=np.int64)
    steps = np.array([p[1] for p in pairs], dtype=np.float64)
    codes, uniques = _sequence_codes(pd.Series(ids))
    assert list(uniques) == sorted(set(ids.tolist()))
    order, consecutive = _order_by_id_then_step(codes, steps, len(uniques))
    expected = np.lexsort((steps, codes))
    # Rows with the same (id, step) may come in either order; the keys must agree.
    np.testing.assert_array_equal(codes[order], codes[expected])
    np.testing.assert_array_equal(steps[order], steps[expected])
    assert sorted(order.tolist()) == list(range(len(pairs)))
    if consecutive:
        per_id = pd.DataFrame({"c": codes, "s": steps}).groupby("c")["s"]
        assert (per_id.max() - per_id.min() + 1 == per_id.size()).all() and not per_id.apply(
            lambda s: s.duplicated().any()).any()
