"""A file larger than the memory budget opens as a sample in the window, saying so."""

from __future__ import annotations

from core.options import LoadOptions, PaddingOptions
from gui.tensor_state import load_snapshot
from tests.core.test_streaming_report import write_jsonl


def test_file_over_the_budget_opens_as_a_sample_padded_to_the_whole_files_maxlen(tmp_path):
    path = write_jsonl(tmp_path / "big.jsonl", n=400)
    full = load_snapshot(str(path), LoadOptions(), PaddingOptions(), None, budget_bytes=1 << 30)
    snapshot = load_snapshot(str(path), LoadOptions(), PaddingOptions(), None, budget_bytes=path.stat().st_size // 4)
    assert snapshot.shaped.x.shape[0] == 64 < full.shaped.x.shape[0] == 400
    assert snapshot.shaped.x.shape[1:] == full.shaped.x.shape[1:]  # the whole file's timesteps and features
    assert (snapshot.shaped.x == full.shaped.x[:64]).all()
    warnings = snapshot.dataset.source.warnings
    assert "only the first 64 of 400 sequences are shown" in warnings[0] and "was not built" in warnings[0]
