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


def test_printable_shows_terminal_escapes_and_surrogates_as_text():
    from core.wording import printable  # noqa: PLC0415

    assert printable("a\x1b[2Jb\tc\nd") == "a\\x1b[2Jb\tc\nd"
    assert printable("x\ud800y") == "x\\ud800y"
    assert printable("\x9b\x7f") == "\\x9b\\x7f"
    assert printable("café 日本") == "café 日本"
