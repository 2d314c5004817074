"""JSON / JSON Lines reader: record shapes, field detection, and located errors."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np
import pytest

from core.errors import LoadError, MemoryBudgetError
from core.loaders import json_lines, json_records
from core.options import LoadOptions

BUDGET = 1 << 30


def read(path: Path, budget: int = BUDGET, **options):
    return json_records.read(path, LoadOptions(**options), budget, None, None)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def guess(dataset, what: str):
    return next(g for g in dataset.source.guesses if g.what == what)


# ---- shapes of data --------------------------------------------------------------------------
def test_list_of_univariate_lists(tmp_path):
    dataset = read(write(tmp_path, "a.json", "[[1, 2, 3], [4, 5]]"))
    assert dataset.lengths.tolist() == [3, 2] and dataset.n_features == 1
    assert dataset.values.dtype == np.float32
    assert dataset.values[:, 0].tolist() == [1, 2, 3, 4, 5]
    assert dataset.labels is None and dataset.source.format == "json"


def test_list_of_multivariate_lists(tmp_path):
    dataset = read(write(tmp_path, "a.json", "[[[1, 2], [3, 4.5]], [[5, 6]]]"))
    assert dataset.lengths.tolist() == [2, 1] and dataset.n_features == 2
    np.testing.assert_array_equal(dataset.sequence(0), [[1, 2], [3, 4.5]])


def test_records_with_sequence_label_and_id(tmp_path):
    records = [{"id": "u1", "sequence": [[1, 2], [3, 4]], "label": "cat"},
               {"id": "u2", "sequence": [[5, 6]], "label": "dog"},
               {"id": "u3", "sequence": [[7, 8], [9, 10], [11, 12]], "label": "cat"}]
    dataset = read(write(tmp_path, "r.json", json.dumps(records)))
    assert dataset.lengths.tolist() == [2, 1, 3]
    assert dataset.labels.classes == ("cat", "dog") and dataset.labels.values.tolist() == [0, 1, 0]
    assert dataset.labels.kind == "binary"
    assert dataset.sample_ids == ("u1", "u2", "u3")
    assert guess(dataset, "sequence field").value == "sequence"
    assert guess(dataset, "label field").value == "label"
    assert dataset.source.options["sequence_field"] == "sequence"
    assert dataset.source.options["label_col"] == "label"


@pytest.mark.parametrize("sequence_field, label_field", [("values", "y"), ("steps", "target"), ("x", "class"), ("series", "label")])
def test_field_names_are_detected(tmp_path, sequence_field, label_field):
    records = [{sequence_field: [1, 2], label_field: 1}, {sequence_field: [3], label_field: 0}]
    dataset = read(write(tmp_path, "r.json", json.dumps(records)))
    assert dataset.lengths.tolist() == [2, 1]
    assert dataset.labels.values.tolist() == [1, 0]
    assert guess(dataset, "sequence field").value == sequence_field


def test_only_list_field_is_taken_as_the_sequence(tmp_path):
    dataset = read(write(tmp_path, "r.json", json.dumps([{"readings": [1, 2, 3], "who": "a"}])))
    assert dataset.lengths.tolist() == [3]
    assert "only field holding a list" in guess(dataset, "sequence field").why


def test_field_options_override_detection(tmp_path):
    records = [{"values": [1, 2], "alt": [9, 9, 9], "label": 0, "kind": "x"},
               {"values": [3], "alt": [8], "label": 1, "kind": "y"}]
    dataset = read(write(tmp_path, "r.json", json.dumps(records)), sequence_field="alt", label_col="kind")
    assert dataset.lengths.tolist() == [3, 1]
    assert dataset.labels.classes == ("x", "y")


def test_missing_sequence_field_option_names_the_fields(tmp_path):
    path = write(tmp_path, "r.json", json.dumps([{"a": [1], "b": 2}]))
    with pytest.raises(LoadError, match=r"no field 'seq' \(it has 'a', 'b'\).*sequence_field"):
        read(path, sequence_field="seq")


def test_object_without_a_sequence_field_asks_for_the_option(tmp_path):
    with pytest.raises(LoadError, match="record 1 \\(index 0\\): has no sequence field.*sequence_field"):
        read(write(tmp_path, "r.json", json.dumps([{"a": 1, "b": 2}])))


def test_container_object_with_sequences_and_labels(tmp_path):
    data = {"sequences": [[1, 2], [3]], "labels": [0.5, 1.5], "ids": ["a", "b"], "feature_names": ["speed"]}
    dataset = read(write(tmp_path, "c.json", json.dumps(data)))
    assert dataset.lengths.tolist() == [2, 1]
    assert dataset.labels.kind == "regression"
    np.testing.assert_allclose(dataset.labels.values, [0.5, 1.5])
    assert dataset.sample_ids == ("a", "b")
    assert dataset.feature_names == ("speed",)


def test_container_label_count_mismatch_names_both_counts(tmp_path):
    path = write(tmp_path, "c.json", json.dumps({"sequences": [[1, 2], [3]], "labels": [0, 1, 0]}))
    with pytest.raises(LoadError, match="has 2 sequences but 3 labels"):
        read(path)


def test_single_record_object(tmp_path):
    dataset = read(write(tmp_path, "one.json", json.dumps({"sequence": [[1, 2], [3, 4]], "label": "a"})))
    assert dataset.n_samples == 1 and dataset.lengths.tolist() == [2] and dataset.n_features == 2


def test_flat_list_of_numbers_is_one_series(tmp_path):
    dataset = read(write(tmp_path, "s.json", "[1, 2, 3, 4]"))
    assert dataset.kind == "series" and dataset.lengths.tolist() == [4]


def test_per_step_labels(tmp_path):
    records = [{"seq": [1, 2, 3], "label": ["a", "b", "b"]}, {"seq": [4], "label": ["a"]}]
    dataset = read(write(tmp_path, "p.json", json.dumps(records)))
    assert dataset.labels.kind == "sequence"
    assert dataset.labels.values.tolist() == [0, 1, 1, 0]


def test_multi_output_regression_targets(tmp_path):
    records = [{"seq": [1, 2, 3], "target": [0.5, 1.5]}, {"seq": [4], "target": [2.5, 3.5]}]
    dataset = read(write(tmp_path, "m.json", json.dumps(records)))
    assert dataset.labels.kind == "regression" and dataset.labels.values.shape == (2, 2)


def test_empty_sequence_is_kept_with_a_warning(tmp_path):
    dataset = read(write(tmp_path, "e.json", "[[1, 2], [], [3]]"))
    assert dataset.lengths.tolist() == [2, 0, 1]
    assert any("record 2 (index 1)" in w for w in dataset.source.warnings)


def test_jsonl_records_and_blank_lines(tmp_path):
    text = '{"values": [1, 2], "y": "a"}\n\n{"values": [3], "y": "b"}\n'
    dataset = read(write(tmp_path, "a.jsonl", text))
    assert dataset.source.format == "jsonl"
    assert dataset.lengths.tolist() == [2, 1] and dataset.labels.classes == ("a", "b")


def test_jsonl_content_in_a_json_file_is_detected(tmp_path):
    dataset = read(write(tmp_path, "lines.json", '[1, 2]\n[3]\n[4, 5, 6]\n'))
    assert dataset.source.format == "jsonl" and dataset.lengths.tolist() == [2, 1, 3]


def test_utf8_bom_and_utf16_are_read(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + b"[[1, 2]]")
    assert read(path).lengths.tolist() == [2]
    path16 = tmp_path / "u16.json"
    path16.write_bytes('[{"sequence": [1, 2, 3], "label": "ü"}]'.encode("utf-16"))
    assert read(path16).labels.classes == ("ü",)


@pytest.mark.parametrize("name, text, where", [
    ("big.json", "[[1, 2], [3, 1e39]]", r"record 2 \(index 1\), step 2"),
    ("big.json", "[[[1, 2]], [[3, -1e400]]]", r"record 2 \(index 1\), step 1, feature 2"),
    ("big.jsonl", '{"x": [1, 2]}\n\n{"x": [3, 5e38]}\n', r"line 3, step 2"),
    ("big.jsonl", '{"x": [[1, 2]]}\n{"x": [[3, 1e400]]}\n', r"line 2, step 1, feature 2"),
])
def test_values_beyond_float32_are_refused_with_the_location(tmp_path, name, text, where):
    with pytest.raises(LoadError, match=where + r": has a value too large for 32-bit floats"):
        read(write(tmp_path, name, text))


# ---- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_literals_are_refused_with_the_line(tmp_path, literal):
    path = write(tmp_path, "n.json", f"[[1, 2],\n [3, {literal}]]")
    with pytest.raises(LoadError) as caught:
        read(path)
    assert str(caught.value).startswith(f"n.json, line 2: {literal} is not valid JSON")
    assert "write null or remove the step" in str(caught.value).lower()


def test_nan_literal_in_jsonl_names_the_line(tmp_path):
    path = write(tmp_path, "n.jsonl", '[1, 2]\n[3, 4]\n[5, NaN]\n')
    with pytest.raises(LoadError, match=r"n.jsonl, line 3: NaN is not valid JSON"):
        read(path)


@pytest.mark.parametrize("number", ["9" * 5000, "1." + "5" * 5000, "-" + "1" * 4301])
def test_5000_digit_numbers_are_refused_with_the_line(tmp_path, number):
    path = write(tmp_path, "long.json", f"[[1, 2],\n[3],\n[{number}]]")
    started = time.perf_counter()
    with pytest.raises(LoadError, match=r"long.json, line 3: number too long"):
        read(path)
    assert time.perf_counter() - started < 1.0


def test_5000_digit_number_in_jsonl(tmp_path):
    path = write(tmp_path, "long.jsonl", "[1]\n[" + "7" * 5000 + "]\n")
    with pytest.raises(LoadError, match=r"line 2: number too long"):
        read(path)


@pytest.mark.parametrize("name", ["deep.json", "deep.jsonl"])
def test_deep_nesting_is_a_load_error(tmp_path, name):
    path = write(tmp_path, name, "[" * 200_000 + "]" * 200_000)
    with pytest.raises(LoadError, match="nests lists or objects too deeply"):
        read(path)


def test_three_level_steps_are_refused(tmp_path):
    with pytest.raises(LoadError, match=r"record 1 \(index 0\), step 1, feature 1: this feature is a list"):
        read(write(tmp_path, "n.json", "[[[[1], [2]]]]"))


def test_string_where_a_number_is_expected_names_record_and_step(tmp_path):
    with pytest.raises(LoadError, match=r"record 2 \(index 1\), step 3: this value is the text 'abc', not a number"):
        read(write(tmp_path, "s.json", '[[1, 2, 3], [4, 5, "abc"]]'))


def test_null_and_bool_values_are_refused(tmp_path):
    with pytest.raises(LoadError, match=r"record 1 \(index 0\), step 2, feature 2: this value is null"):
        read(write(tmp_path, "n.json", "[[[1, 2], [3, null]]]"))
    with pytest.raises(LoadError, match=r"this value is true, not a number"):
        read(write(tmp_path, "b.json", "[[1, true]]"))


def test_string_in_jsonl_names_the_line(tmp_path):
    path = write(tmp_path, "s.jsonl", '{"x": [1, 2]}\n{"x": [3, "4"]}\n')
    with pytest.raises(LoadError, match=r"s.jsonl, line 2, step 2: this value is the text '4'"):
        read(path)


def test_inconsistent_feature_counts_name_record_and_counts(tmp_path):
    with pytest.raises(LoadError, match=r"record 3 \(index 2\), step 2: this step has 3 features, expected 2"):
        read(write(tmp_path, "f.json", "[[[1, 2]], [[3, 4]], [[5, 6], [7, 8, 9]]]"))


def test_mixed_step_kinds_are_refused(tmp_path):
    with pytest.raises(LoadError, match=r"record 2 \(index 1\), step 1: this step is the number 5, but steps before it are lists"):
        read(write(tmp_path, "m.json", "[[[1, 2]], [5]]"))
    with pytest.raises(LoadError, match=r"record 2 \(index 1\), step 1: this step is a list, but steps before it are single numbers"):
        read(write(tmp_path, "m2.json", "[[1, 2], [[5, 6]]]"))


def test_bad_jsonl_line_is_named(tmp_path):
    path = write(tmp_path, "bad.jsonl", '[1, 2]\n[3, 4]\n[5, oops]\n[6]\n')
    with pytest.raises(LoadError, match=r"bad.jsonl, line 3, column \d+: is not valid JSON"):
        read(path)


def test_bad_json_names_line_and_column(tmp_path):
    with pytest.raises(LoadError, match=r"line 2, column \d+: is not valid JSON \(Expecting"):
        read(write(tmp_path, "bad.json", "[[1, 2],\n [3, 4]"))


@pytest.mark.parametrize("text, message", [("[]", "no records"), ("   \n", "no JSON data"), ("[[], []]", "every sequence is empty"),
                                           ("42", "single int value"), ('"hello"', "single str value"),
                                           ("[1, [2]]", "step is a list")])
def test_empty_and_scalar_documents(tmp_path, text, message):
    with pytest.raises(LoadError, match=message):
        read(write(tmp_path, "e.json", text))


def test_mixed_record_kinds_are_refused(tmp_path):
    with pytest.raises(LoadError, match=r"record 2 \(index 1\): this record is the text 'x'"):
        read(write(tmp_path, "m.json", '[[1], "x"]'))


@pytest.mark.parametrize("name, text, where", [
    ("m.json", '[[1, 2], {"x": [3]}]', r"record 2 \(index 1\): this record is an object, but the first record is a list"),
    ("m.json", '[{"x": [3]}, {"x": [4]}, [1, 2]]', r"record 3 \(index 2\): this record is a list, but the first record is an object"),
    ("m.jsonl", '{"x": [3]}\n[1, 2]\n', r"line 2: this record is a list, but the first record is an object"),
])
def test_records_mixing_lists_and_objects_are_refused(tmp_path, name, text, where):
    with pytest.raises(LoadError, match=where):  # was an internal StopIteration (exit 1)
        read(write(tmp_path, name, text))


def test_record_missing_its_field_is_named(tmp_path):
    path = write(tmp_path, "r.jsonl", '{"seq": [1], "label": 0}\n{"seq": [2], "label": 1}\n{"sq": [3], "label": 1}\n')
    with pytest.raises(LoadError, match=r"r.jsonl, line 3: this record has no 'seq' field"):
        read(path)


def test_null_label_is_named(tmp_path):
    path = write(tmp_path, "r.json", '[{"seq": [1], "label": 0}, {"seq": [2], "label": null}]')
    with pytest.raises(LoadError, match=r"record 2 \(index 1\): the label is null"):
        read(path)


def test_nul_bytes_are_refused(tmp_path):
    path = tmp_path / "bin.json"
    path.write_bytes(b"[[1, 2]]\x00\x01\x02")
    with pytest.raises(LoadError, match="NUL bytes"):
        read(path)


def test_budget_is_checked_before_parsing(tmp_path, monkeypatch):
    path = write(tmp_path, "b.json", json.dumps([[0.5] * 1000] * 10))
    monkeypatch.setattr(json_records, "parse_json", lambda *a, **k: pytest.fail("must not parse over budget"))
    with pytest.raises(MemoryBudgetError):
        read(path, budget=10_000)


def test_file_is_unchanged_after_loading(tmp_path):
    path = write(tmp_path, "keep.jsonl", '{"x": [1, 2], "y": 1}\n{"x": [3], "y": 0}\n')
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    read(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_through_the_dispatcher(tmp_path):
    from core.loaders import load

    dataset = load(write(tmp_path, "d.jsonl", '{"x": [1, 2], "y": "a"}\n{"x": [3], "y": "b"}\n'), budget_bytes=BUDGET)
    assert dataset.source.format == "jsonl" and dataset.lengths.tolist() == [2, 1]
    with pytest.raises(LoadError, match="NaN is not valid JSON"):
        load(write(tmp_path, "n.json", "[[NaN]]"), budget_bytes=BUDGET)


# ---- JSON Lines: the columnar fast path and the streamed standard-library path ----------------
def _jsonl_records(rng, n: int, features: int) -> list[dict]:
    out = []
    for i in range(n):
        length = int(rng.integers(0, 6))
        steps = np.round(rng.normal(size=(length, features)), 3).tolist() if features else np.round(rng.normal(size=length), 3).tolist()
        out.append({"id": f"s{i}", "sequence": steps, "label": ["a", "b"][i % 2]})
    return out


@pytest.mark.parametrize("features", [0, 3])
def test_jsonl_fast_path_matches_the_standard_library_path(tmp_path, monkeypatch, features):
    rng = np.random.default_rng(features)
    records = _jsonl_records(rng, 300, features)
    records[0]["sequence"] = [[0.5] * features] if features else [0.5]
    path = write(tmp_path, "f.jsonl", "\n".join(json.dumps(r) for r in records) + "\n\n")
    fast = read(path)
    monkeypatch.setattr(json_lines.LinesReader, "_arrow_plan", lambda self, record: None)
    monkeypatch.setattr(json_lines, "CHUNK_LINES", 7)  # many chunks: checks across chunk borders
    slow = read(path)
    np.testing.assert_array_equal(fast.values, slow.values)
    np.testing.assert_array_equal(fast.lengths, slow.lengths)
    np.testing.assert_array_equal(fast.labels.values, slow.labels.values)
    assert fast.sample_ids == slow.sample_ids == tuple(f"s{i}" for i in range(300))
    assert fast.source.guesses == slow.source.guesses and fast.source.warnings == slow.source.warnings
    assert fast.values.dtype == np.float32 and fast.values.flags.owndata


def test_jsonl_fast_path_is_taken_for_object_records(tmp_path, monkeypatch):
    path = write(tmp_path, "f.jsonl", '{"x": [[1, 2], [3, 4]], "y": 1}\n{"x": [[5, 6]], "y": 0}\n')
    reader = json_lines.LinesReader(path, LoadOptions(), BUDGET)
    chunks = [c for c in reader.chunks() if c is not json_lines.RESTART]
    assert reader.used_fast_path
    assert sum(len(c.lengths) for c in chunks) == 2


@pytest.mark.parametrize("text, message", [
    ('{"x": [1, 2]}\n{"x": [3, null]}\n', r"line 2, step 2: this value is null"),
    ('{"x": [1, 2]}\n{"x": [3, NaN]}\n', r"line 2: NaN is not valid JSON"),
    ('{"x": [1, 2]} {"x": [3]}\n', r"line 1, column \d+: is not valid JSON \(Extra data"),
    ('{"x": [1, 2]}\n{"x": [3, true]}\n', r"line 2, step 2: this value is true"),
    ('{"x": [1, 2], "y": 1}\n{"x": [3], "y": null}\n', r"line 2: the label is null"),
    ('{"x": [[1, 2]]}\n{"x": [[3, 4, 5]]}\n', r"line 2, step 1: this step has 3 features, expected 2"),
    ('{"x": [1, 2]}\n{"x": [3, "' + "7" * 5000 + '"]}\n', r"line 2, step 2: this value is the text"),
    ('{"x": [1, 2]}\n{"x": [3, ' + "7" * 5000 + ']}\n', r"line 2: number too long"),
])
def test_jsonl_values_the_fast_path_cannot_take_get_the_located_error(tmp_path, text, message):
    with pytest.raises(LoadError, match=message):
        read(write(tmp_path, "bad.jsonl", text))


def test_jsonl_chunks_check_every_record_against_the_first(tmp_path, monkeypatch):
    monkeypatch.setattr(json_lines, "CHUNK_LINES", 2)
    lines = ['{"x": []}', '{"x": [[1, 2]]}', '{"x": [[3, 4]]}', '{"x": []}', '{"x": [[5, 6]]}', '{"x": [[7, 8, 9]]}']
    with pytest.raises(LoadError, match=r"line 6, step 1: this step has 3 features, expected 2 \(as in the first step\)"):
        read(write(tmp_path, "c.jsonl", "\n".join(lines) + "\n"))
    ok = read(write(tmp_path, "ok.jsonl", "\n".join(lines[:5]) + "\n"))
    assert ok.lengths.tolist() == [0, 1, 1, 0, 1] and ok.values.tolist() == [[1, 2], [3, 4], [5, 6]]
    with pytest.raises(LoadError, match=r"line 5: this record has no 'x' field, unlike the first"):
        read(write(tmp_path, "m.jsonl", "\n".join(lines[:4] + ['{"z": [1]}']) + "\n"))


def test_jsonl_in_cp1252_and_with_a_bom_is_read(tmp_path):
    path = tmp_path / "w.jsonl"
    path.write_bytes('{"x": [1, 2], "y": "caf\u00e9"}\n{"x": [3], "y": "th\u00e9"}\n'.encode("cp1252"))
    assert read(path).labels.classes == ("café", "thé")
    bom = tmp_path / "b.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + b'{"x": [1, 2]}\n{"x": [3]}\n')
    assert read(bom).lengths.tolist() == [2, 1]


def test_jsonl_over_the_budget_is_refused_while_reading(tmp_path):
    path = write(tmp_path, "big.jsonl", "".join(json.dumps({"x": [0.25] * 500}) + "\n" for _ in range(100)))
    with pytest.raises(MemoryBudgetError):
        read(path, budget=50_000)
