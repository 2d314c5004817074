"""Counts read as English: "1 step", "2 steps", never "step(s)"."""

from __future__ import annotations

from core.loaders import load
from core.report import build_report
from core.wording import plural


def test_plural_agrees_with_the_count():
    assert plural(1, "sequence") == "1 sequence"
    assert plural(0, "sequence") == "0 sequences"
    assert plural(12_000, "row") == "12,000 rows"
    assert plural(2, "matrix", "matrices") == "2 matrices"


def test_reports_never_say_s_in_parentheses(resources_dir):
    for name in ("vowels_long.csv", "us_change_quarterly.csv", "sentiment_reviews.txt"):
        text = build_report(load(resources_dir / "demos" / name)).to_text()
        assert "(s)" not in text, name


def test_shape_text_is_the_one_headline():
    from core.wording import shape_text

    assert shape_text((270, 26, 12)) == "(270 samples, 26 timesteps, 12 features) → input_shape=(26, 12)"
    assert shape_text((1, 1, 1)) == "(1 sample, 1 timestep, 1 feature) → input_shape=(1, 1)"
    assert shape_text((12000, 16)) == "(12,000 samples, 16 timesteps) token ids → input_shape=(16,)"


def test_json_safe_and_format_bytes_and_escape_html():
    import numpy as np

    from core.wording import escape_html, format_bytes, json_safe

    assert json_safe({"a": float("nan"), "b": (1, np.float32(2.5)), 3: np.int64(4), "c": float("inf")}) == {
        "a": None, "b": [1, 2.5], "3": 4, "c": None}
    assert format_bytes(1536) == "1.5 KiB" and format_bytes(10) == "10 bytes"
    assert escape_html("a<b & <unk>") == "a&lt;b &amp; &lt;unk&gt;"
def test_printable_shows_terminal_escapes_and_surrogates_as_text():
    from core.wording import printable

    assert printable("a\x1b[2Jb\tc\nd") == "a\\x1b[2Jb\tc\nd"
    assert printable("x\ud800y") == "x\\ud800y"
    assert printable("\x9b\x7f") == "\\x9b\\x7f"
    assert printable("café 日本") == "café 日本"
