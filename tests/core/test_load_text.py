"""Plain-text sentences → token ids, vocabulary and labels."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from core.errors import LoadError
from core.loaders import load
from core.loaders.text_tokens import build_vocabulary, tokenize
from core.options import LoadOptions


def _text(tmp_path: Path, content: str, name: str = "sentences.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return path


def _decode(dataset, index: int) -> list[str]:
    return [dataset.vocabulary[i] for i in dataset.sequence(index).ravel()]


def test_tokenize_words_and_punctuation():
    assert tokenize("Don't panic, it's fine!") == ["don't", "panic", ",", "it's", "fine", "!"]
    assert tokenize("Hello World", lowercase=False) == ["Hello", "World"]
    assert tokenize("   ") == []


def test_vocabulary_by_frequency_then_alphabet():
    counts = Counter({"b": 2, "a": 2, "c": 5, "d": 1})
    assert build_vocabulary(counts) == ("<pad>", "<unk>", "c", "a", "b", "d")
    assert build_vocabulary(counts, max_vocab=2) == ("<pad>", "<unk>", "c", "a")


def test_unlabelled_sentences(tmp_path):
    dataset = load(_text(tmp_path, "The cat sat.\nthe dog sat\n"))
    assert dataset.kind == "tokens"
    assert dataset.source.format == "text"
    assert dataset.values.dtype == np.int32 and dataset.values.shape == (7, 1)
    assert dataset.feature_names == ("token",)
    assert dataset.vocabulary[:4] == ("<pad>", "<unk>", "sat", "the")
    assert dataset.lengths.tolist() == [4, 3]
    assert _decode(dataset, 0) == ["the", "cat", "sat", "."]
    assert dataset.labels is None
    assert int(dataset.values.min()) >= 2  # no padding or unknown ids without max_vocab


def test_labels_after_tab(tmp_path):
    dataset = load(_text(tmp_path, "good movie\tpos\nbad movie\tneg\nfine film\tpos\n"))
    assert dataset.labels.kind == "binary"
    assert dataset.labels.classes == ("neg", "pos")
    assert dataset.labels.values.tolist() == [1, 0, 1]
    assert _decode(dataset, 1) == ["bad", "movie"]


def test_labels_before_tab_are_detected(tmp_path):
    dataset = load(_text(tmp_path, "pos\tgood movie\nneg\tbad movie\npos\tfine film here\n"))
    assert dataset.labels.classes == ("neg", "pos")
    assert _decode(dataset, 2) == ["fine", "film", "here"]
    guess = [g for g in dataset.source.guesses if g.what == "label position"][0]
    assert guess.value == "first" and guess.option == "label_col"


def test_label_position_override(tmp_path):
    path = _text(tmp_path, "pos\tgood movie\nneg\tbad movie\n")
    dataset = load(path, LoadOptions(label_col="last"))
    assert dataset.labels.classes == ("bad movie", "good movie")
    with pytest.raises(LoadError, match="'first', 'last' or 'fasttext', not 'middle'"):
        load(path, LoadOptions(label_col="middle"))


def test_numeric_labels_sort_numerically(tmp_path):
    dataset = load(_text(tmp_path, "a b\t10\nc\t2\nd e f\t1\n"))
    assert dataset.labels.classes == ("1", "2", "10")
    assert dataset.labels.kind == "multiclass"
    assert dataset.labels.values.tolist() == [2, 1, 0]


def test_blank_lines_are_skipped_and_counted(tmp_path):
    dataset = load(_text(tmp_path, "one two\n\n   \nthree\n\n"))
    assert dataset.lengths.tolist() == [2, 1]
    assert dataset.source.warnings == ("3 blank lines skipped",)


def test_max_vocab_maps_rare_tokens_to_unknown(tmp_path):
    dataset = load(_text(tmp_path, "a a a b b c\nd a\n"), LoadOptions(max_vocab=2))
    assert dataset.vocabulary == ("<pad>", "<unk>", "a", "b")
    assert dataset.values.ravel().tolist() == [2, 2, 2, 3, 3, 1, 1, 2]
    assert any("2 rare tokens" in w for w in dataset.source.warnings)


def test_case_is_kept_when_asked(tmp_path):
    dataset = load(_text(tmp_path, "Word word\n"), LoadOptions(lowercase=False))
    assert set(dataset.vocabulary[2:]) == {"Word", "word"}


def test_tab_with_empty_label_names_the_line(tmp_path):
    with pytest.raises(LoadError, match=r"sentences\.txt, line 3: has a tab but no label after it"):
        load(_text(tmp_path, "a b\tx\nc d\ty\ne f\t \n"))


def test_missing_label_on_one_line(tmp_path):
    with pytest.raises(LoadError, match=r"line 2: has no tab-separated label while other lines have one"):
        load(_text(tmp_path, "a b\tx\nc d\ne f\ty\n"))


def test_label_without_words(tmp_path):
    with pytest.raises(LoadError, match=r"line 2: has a label but no words"):
        load(_text(tmp_path, "a b\tx\n \ty\n"))


def test_nul_bytes_are_refused(tmp_path):
    with pytest.raises(LoadError, match="NUL bytes"):
        load(_text(tmp_path, "fine\nbad\x00line\n"), LoadOptions(format="text"))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_encodings(tmp_path, encoding):
    dataset = load(_text(tmp_path, "Crème brûlée\tdessert\nCafé\tboisson\n", encoding=encoding))
    assert _decode(dataset, 0) == ["crème", "brûlée"]
    assert dataset.labels.classes == ("boisson", "dessert")


def test_line_numbers_count_every_line(tmp_path):
    with pytest.raises(LoadError, match=r"line 4:"):
        load(_text(tmp_path, "a\tx\r\n\r\nb\ty\r\nc\t\r\n"))
