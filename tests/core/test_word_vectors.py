"""Pre-trained word vectors: every format with real files, streaming, the OOV rule, coverage, and text formats."""

from __future__ import annotations

import json
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from core.cli.app import main as cli_main
from core.errors import LoadError
from core.loaders import embeddings as emb
from core.loaders import load
from core.loaders import word_vectors as wv
from core.options import LoadOptions, PaddingOptions
from core.shaping.tensorize import shape_dataset

REAL = Path(__file__).resolve().parents[1] / "data" / "real" / "gensim"
DEMOS = Path(__file__).resolve().parents[2] / "resources" / "demos"


# ---- an independent plain reader (what the files say, read the obvious way) ----------------------
def plain_text_vectors(path: Path, header: bool) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    with open(path, encoding="utf-8") as handle:
        if header:
            handle.readline()
        for line in handle:
            parts = line.rstrip().split(" ")
            if len(parts) > 1:
                out.setdefault(parts[0], np.array([float(v) for v in parts[1:]], dtype=np.float32))
    return out


def plain_binary_vectors(path: Path) -> dict[str, np.ndarray]:
    data = path.read_bytes()
    newline = data.index(b"\n")
    count, dim = map(int, data[:newline].split())
    pos, out = newline + 1, {}
    for _ in range(count):
        space = data.index(b" ", pos)
        word = data[pos:space].decode("utf-8").lstrip("\n")
        out[word] = np.array(struct.unpack(f"<{dim}f", data[space + 1: space + 1 + 4 * dim]), dtype=np.float32)
        pos = space + 1 + 4 * dim
    return out


@pytest.mark.parametrize("name, fmt, header", [
    ("test_glove.txt", "glove", False),
    ("toy-model.vec", "word2vec-text", True),
    ("crime-and-punishment.vec", "word2vec-text", True),
    ("high_precision.kv.txt", "word2vec-text", True),
    ("pretrained.vec", "word2vec-text", True),
    ("high_precision.kv.bin", "word2vec-binary", None),
    ("euclidean_vectors.bin", "word2vec-binary", None),
])
def test_every_format_reads_the_real_files_like_a_plain_reader(name, fmt, header):
    path = REAL / name
    expected = plain_binary_vectors(path) if header is None else plain_text_vectors(path, header)
    words = sorted(expected)
    for chunk in (wv.CHUNK_BYTES, 97):  # a small chunk cuts lines and records anywhere
        vectors = wv.read_vectors(path, [*words, "not-a-word-here"], chunk_bytes=chunk)
        assert vectors.format == fmt
        assert vectors.dim == next(iter(expected.values())).size
        assert set(vectors.index) == set(words)
        for word in words:
            np.testing.assert_array_equal(vectors.vector(word), expected[word])
    assert vectors.rows == len(expected)


def test_a_header_that_announces_more_vectors_than_the_file_has_is_reported():
    vectors = wv.read_vectors(REAL / "pretrained.vec", ["dummy"])
    assert vectors.rows == 1
    assert any("header says 3" in note for note in vectors.warnings)


@pytest.mark.parametrize("model, vec", [("toy-model.bin", "toy-model.vec"),
                                        ("crime-and-punishment.bin", "crime-and-punishment.vec")])
def test_a_fasttext_model_gives_the_vectors_fasttext_wrote_beside_it(model, vec):
    expected = plain_text_vectors(REAL / vec, header=True)  # fastText's own output, 5 significant digits
    for chunk in (wv.CHUNK_BYTES, 11):
        vectors = wv.read_vectors(REAL / model, [*expected, "zz-not-in-the-model"], chunk_bytes=chunk)
        assert vectors.format == "fasttext-binary" and vectors.dim == 5 and vectors.rows == len(expected)
        assert set(vectors.index) == set(expected)
        for word, vector in expected.items():  # Cyrillic words too: UTF-8 n-grams and fastText's hash
            np.testing.assert_allclose(vectors.vector(word), vector, atol=1e-5)


def test_fasttext_hash_and_ngrams_follow_fasttext():
    assert wv.fasttext_ngrams("where", 3, 3) == [b"<wh", b"whe", b"her", b"ere", b"re>"]
    assert wv.fasttext_ngrams("ой", 1, 2) == ["<о".encode(), "о".encode(), "ой".encode(), "й".encode(), "й>".encode()]
    assert wv.fasttext_hash(b"") == 2166136261
    assert wv.fasttext_hash(b"a") == ((2166136261 ^ 0x61) * 16777619) & 0xFFFFFFFF
    assert wv.fasttext_hash(b"\xd0") == ((2166136261 ^ 0xFFFFFFD0) * 16777619) & 0xFFFFFFFF  # sign-extended


@pytest.mark.parametrize("name", ["test_glove.txt", "toy-model.vec", "high_precision.kv.txt", "euclidean_vectors.bin",
                                  "toy-model.bin"])
def test_a_vectors_file_opened_as_data_says_to_open_the_text_and_choose_it_as_embeddings(name, capsys):
    with pytest.raises(LoadError, match="--embeddings"):
        load(REAL / name)
    assert cli_main(["inspect", str(REAL / name)]) == 2
    assert "--embeddings" in capsys.readouterr().err


def test_reading_keeps_only_the_needed_rows_and_streams(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "big.txt"
    rows, dim = 20_000, 50
    values = rng.normal(size=(rows, dim)).round(4)
    with open(path, "w") as out:
        for i in range(rows):
            out.write(f"w{i} " + " ".join(f"{v:.4f}" for v in values[i]) + "\n")
    wanted = [f"w{i}" for i in range(0, rows, 1000)]
    tracemalloc.start()
    vectors = wv.read_vectors(path, wanted, chunk_bytes=64 * 1024)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert vectors.matrix.shape == (len(wanted), dim)  # only the needed rows are kept
    assert vectors.rows == rows
    for word in wanted:
        np.testing.assert_allclose(vectors.vector(word), values[int(word[1:])], atol=1e-6)
    size = path.stat().st_size
    assert size > 7_000_000
    assert peak < size / 8  # a few chunks, never the file


def test_crlf_lines_trailing_spaces_and_a_stray_byte_in_a_word(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_bytes(b"caf\xe9 1 2 3 \r\nna\xc3\xafve 4 5 6\r\nplain 7 8 9\r\n")  # 'café' written in cp1252
    vectors = wv.read_vectors(path, ["café", "naïve", "plain"])
    np.testing.assert_array_equal(vectors.vector("café"), [1, 2, 3])
    np.testing.assert_array_equal(vectors.vector("naïve"), [4, 5, 6])
    np.testing.assert_array_equal(vectors.vector("plain"), [7, 8, 9])
    assert any("not valid UTF-8" in note for note in vectors.warnings)


def test_a_word_with_spaces_does_not_hide_the_real_word(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text(". . . 9 9 9\n. 1 2 3\nnext 4 5 6\n")  # GloVe 840B has words like '. . .'
    vectors = wv.read_vectors(path, [".", "next"])
    np.testing.assert_array_equal(vectors.vector("."), [1, 2, 3])
    np.testing.assert_array_equal(vectors.vector("next"), [4, 5, 6])
    assert vectors.warnings == ()


def test_a_bad_line_is_named(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text("a 1 2 3\nb 4 5 6\nc 7 8\n")
    with pytest.raises(LoadError, match=r"line 3: has 2 numbers after the word where the vectors have 3"):
        wv.read_vectors(path, ["a", "c"])
    path.write_text("a 1 2 3\nb 4 x 6\nc 7 8 9\n")
    with pytest.raises(LoadError, match="line 2: has 'x' where a number should be"):
        wv.read_vectors(path, ["b"])
    path.write_text("just some words\nnot vectors at all\n")
    with pytest.raises(LoadError, match="not a word-vectors file"):
        wv.read_vectors(path, ["just"])


# ---- the embedding matrix and the OOV rule ---------------------------------------------------------
def test_oov_zeros_and_random_and_the_padding_row():
    vectors = wv.read_vectors(REAL / "test_glove.txt", ["the", "of"])
    vocabulary = ("<pad>", "<unk>", "the", "zzmissing", "of")
    zeros, found = emb.embedding_matrix(vocabulary, vectors, "zeros")
    assert found.tolist() == [False, False, True, False, True]
    assert not zeros[0].any() and not zeros[1].any() and not zeros[3].any()
    np.testing.assert_array_equal(zeros[2], vectors.vector("the"))
    random, _ = emb.embedding_matrix(vocabulary, vectors, "random")
    assert not random[0].any()  # padding stays zeros
    assert random[3].any() and (np.abs(random[3]) <= emb.OOV_SCALE).all()
    np.testing.assert_array_equal(random[2], zeros[2])
    # The same word gets the same vector whatever else the vocabulary holds (a test file, the script).
    other, _ = emb.embedding_matrix(("<pad>", "<unk>", "zzmissing"), vectors, "random")
    np.testing.assert_array_equal(other[2], random[3])
    np.testing.assert_array_equal(other[1], random[1])
    assert not np.array_equal(random[1], random[3])
    with pytest.raises(ValueError):
        emb.embedding_matrix(vocabulary, vectors, "mean")


def test_random_oov_vectors_are_spread_and_seeded():
    vectors = emb.random_vectors([f"word{i}" for i in range(2000)], 50)
    assert vectors.dtype == np.float32 and vectors.shape == (2000, 50)
    assert -emb.OOV_SCALE <= vectors.min() < -0.24 and 0.24 < vectors.max() < emb.OOV_SCALE
    assert abs(float(vectors.mean())) < 0.01
    np.testing.assert_array_equal(vectors, emb.random_vectors([f"word{i}" for i in range(2000)], 50))
    assert not np.array_equal(emb.random_vectors(["a"], 8, seed=1), emb.random_vectors(["a"], 8, seed=0))


# ---- text with vectors -------------------------------------------------------------------------------
def test_the_seed_case_as_features_is_5_10_50_with_padded_steps_masked(capsys):
    text, vectors_path = DEMOS / "word_vectors_sentences.txt", DEMOS / "word_vectors_50d.txt"
    options = LoadOptions(embeddings=str(vectors_path), embed_features=True)
    dataset = load(text, options)
    shaped = shape_dataset(dataset, PaddingOptions())
    assert shaped.x.shape == (5, 10, 50) and shaped.x.dtype == np.float32
    assert dataset.kind == "sequences" and dataset.embeddings.coverage == 1.0
    plain = plain_text_vectors(vectors_path, header=False)
    lines = [line.split("\t")[0].split() for line in text.read_text().splitlines()]
    for i, words in enumerate(lines):
        for t, word in enumerate(words):
            np.testing.assert_array_equal(shaped.x[i, t], plain[word])
        assert shaped.mask[i].tolist() == [t < len(words) for t in range(10)]
        assert not shaped.x[i, len(words):].any()  # padded steps are zeros, masked
    assert cli_main(["inspect", str(text), "--embeddings", str(vectors_path), "--embed-features"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "(5 samples, 10 timesteps, 50 features) → input_shape=(10, 50)"


def test_as_embedding_weights_the_tensor_stays_token_ids():
    options = LoadOptions(embeddings=str(DEMOS / "word_vectors_50d.txt"))
    dataset = load(DEMOS / "word_vectors_sentences.txt", options)
    shaped = shape_dataset(dataset, PaddingOptions())
    assert dataset.kind == "tokens" and shaped.x.shape == (5, 10)
    matrix = dataset.embeddings.matrix
    assert matrix.shape == (len(dataset.vocabulary), 50) and not matrix[0].any()
    plain = plain_text_vectors(DEMOS / "word_vectors_50d.txt", header=False)
    for token_id, word in enumerate(dataset.vocabulary[2:], start=2):
        np.testing.assert_array_equal(matrix[token_id], plain[word])
    assert dataset.source.options["embeddings"] == str((DEMOS / "word_vectors_50d.txt").resolve())


def test_inspect_json_reports_the_coverage(capsys):
    text, vectors = REAL / "crime-and-punishment.txt", REAL / "crime-and-punishment.vec"
    assert cli_main(["inspect", str(text), "--embeddings", str(vectors), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    emb = report["embeddings"]
    assert {"file", "format", "dim", "vectors", "covered", "coverage", "oov_examples"} <= set(emb)
    assert emb["format"] == "word2vec-text" and emb["dim"] == 5 and emb["vectors"] == 291
    # Independently: the text's tokens (lower-cased words and punctuation) against the file's words.
    from core.loaders.text_tokens import tokenize

    known = set(plain_text_vectors(vectors, header=True))
    tokens = [t for line in text.read_text(encoding="utf-8").splitlines() if line.strip() for t in tokenize(line)]
    assert emb["covered"] == len({t for t in tokens if t in known})
    assert emb["coverage"] == pytest.approx(sum(t in known for t in tokens) / len(tokens))
    assert emb["oov_examples"] and all(w not in known for w in emb["oov_examples"])
    assert any(d["code"] == "low_embedding_coverage" for d in report["diagnoses"])


def test_the_doctor_suggests_keeping_the_case_for_cased_vectors(tmp_path, capsys):
    text = tmp_path / "s.txt"
    text.write_text("Paris is in France\tyes\nBerlin is in Germany\tno\n")
    cased = tmp_path / "cased.txt"
    cased.write_text("".join(f"{w} 0.1 0.2\n" for w in ("Paris", "France", "Berlin", "Germany", "is", "in", "The")))
    assert cli_main(["inspect", str(text), "--embeddings", str(cased), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    advice = next(d for d in report["diagnoses"] if d["code"] == "low_embedding_coverage")
    assert "--keep-case" in advice["fix_text"]
    assert cli_main(["inspect", str(text), "--embeddings", str(cased), "--keep-case", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["embeddings"]["coverage"] == 1.0
    assert not any(d["code"] == "low_embedding_coverage" for d in report["diagnoses"])
    lower = tmp_path / "lower.txt"
    lower.write_text("".join(f"{w} 0.1 0.2\n" for w in ("paris", "france", "is", "in")))
    assert cli_main(["inspect", str(text), "--embeddings", str(lower), "--keep-case", "--json"]) == 0
    advice = next(d for d in json.loads(capsys.readouterr().out)["diagnoses"] if d["code"] == "low_embedding_coverage")
    assert "Lower-case" in advice["fix_text"]


def test_embed_features_without_vectors_and_a_missing_vectors_file_are_plain_errors(tmp_path, capsys):
    text = tmp_path / "s.txt"
    text.write_text("a b\tx\nc d\ty\n")
    assert cli_main(["inspect", str(text), "--embed-features"]) == 2
    assert "--embeddings" in capsys.readouterr().err
    assert cli_main(["inspect", str(text), "--embeddings", str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt" in capsys.readouterr().err


# ---- text formats ---------------------------------------------------------------------------------------
def test_fasttext_labels_in_a_real_corpus():
    dataset = load(REAL / "pang_lee_polarity.cor")
    assert dataset.labels.classes == ("neg", "pos")
    assert dataset.source.options["text_label"] == "fasttext"
    assert any(g.what == "label position" and g.value == "fasttext" for g in dataset.source.guesses)
    first = (REAL / "pang_lee_polarity.cor").read_bytes().decode("cp1252").splitlines()[0]
    words = first.split()[1:]
    vocabulary = dataset.vocabulary
    assert [vocabulary[i] for i in dataset.sequence(0)[:, 0]] == words
    assert "__label__neg" not in vocabulary


def test_several_fasttext_labels_keep_the_first_and_say_so(tmp_path):
    path = tmp_path / "multi.txt"
    path.write_text("__label__a __label__b one two\n__label__b three\n__label__a four five six\n")
    dataset = load(path)
    assert [dataset.labels.classes[i] for i in dataset.labels.values] == ["a", "b", "a"]
    assert dataset.lengths.tolist() == [2, 1, 3]
    assert any("several __label__" in w for w in dataset.source.warnings)
    path.write_text("__label__a one\nno label here\n")
    dataset = load(path)  # not every line is labelled: plain sentences, no labels
    assert dataset.labels is None and dataset.source.options["text_label"] is None
    with pytest.raises(LoadError, match="line 2"):
        load(path, LoadOptions(label_col="fasttext"))
    path.write_text("__label__a one\n__label__b two\nthree without\n")
    with pytest.raises(LoadError, match=r"line 3: has no '__label__' prefix"):
        load(path)


@pytest.mark.parametrize("content, side", [("good film\tpos\nbad film\tneg\n", "last"),
                                           ("pos\tgood film\nneg\tbad film\npos\tnice one\n", "first"),
                                           ("good film\nbad film\n", None)])
def test_the_label_position_is_recorded(tmp_path, content, side):
    path = tmp_path / "t.txt"
    path.write_text(content)
    assert load(path).source.options["text_label"] == side


def test_a_stray_cp1252_byte_in_utf8_text_is_read_with_a_warning(tmp_path):
    path = tmp_path / "reviews.txt"
    path.write_bytes("Crème brûlée was great\tpos\n".encode() + b"It\x92s awful\tneg\n" + "Café\tpos\n".encode())
    dataset = load(path)
    words = set(dataset.vocabulary)
    assert {"crème", "brûlée", "it’s", "café"} <= words  # the UTF-8 words intact, the stray byte as ’
    warning = next(w for w in dataset.source.warnings if "not UTF-8" in w)
    assert "line 2" in warning and "0x92" in warning
    assert dataset.labels.classes == ("neg", "pos")


def test_vectors_given_for_a_table_are_refused_not_silently_ignored(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n3,4\n5,6\n")
    with pytest.raises(LoadError, match="embeddings does not apply to CSV"):
        load(path, LoadOptions(embeddings=str(REAL / "test_glove.txt")))


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_compressed_vectors_are_read_as_they_come(tmp_path, suffix):
    import bz2
    import gzip
    import lzma

    opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}[suffix]
    for name in ("test_glove.txt", "toy-model.vec", "euclidean_vectors.bin", "toy-model.bin"):
        packed = tmp_path / (name + suffix)
        with opener(packed, "wb") as out:
            out.write((REAL / name).read_bytes())
        plain = wv.read_vectors(REAL / name, ["the", "of", "and", "was"])
        vectors = wv.read_vectors(packed, ["the", "of", "and", "was"], chunk_bytes=101)
        assert vectors.format == plain.format and vectors.rows == plain.rows and vectors.index.keys() == plain.index.keys()
        for word in vectors.index:
            np.testing.assert_array_equal(vectors.vector(word), plain.vector(word))
    broken = tmp_path / ("cut.txt" + suffix)
    broken.write_bytes(packed.read_bytes()[:40])
    with pytest.raises(LoadError, match="cut.txt"):
        wv.read_vectors(broken, ["the"])


def test_a_byte_order_mark_before_the_first_word(tmp_path):
    path = tmp_path / "bom.vec"
    path.write_bytes(b"\xef\xbb\xbf2 3\nthe 1 2 3\nof 4 5 6\n")
    vectors = wv.read_vectors(path, ["the", "of"])
    assert vectors.format == "word2vec-text" and vectors.dim == 3 and vectors.warnings == ()
    np.testing.assert_array_equal(vectors.vector("the"), [1, 2, 3])
    path.write_bytes(b"\xef\xbb\xbfthe 1 2 3\nof 4 5 6\n")
    vectors = wv.read_vectors(path, ["the", "of"])
    assert vectors.format == "glove" and set(vectors.index) == {"the", "of"}
