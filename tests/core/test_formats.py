"""The format registry is the one list of formats: every consumer agrees with it."""

from __future__ import annotations

import argparse
import ast
import inspect
from dataclasses import fields
from pathlib import Path

import pytest

from core.cli import arguments
from core.loaders import dispatch, formats
from core.options import LoadOptions

ROOT = Path(__file__).resolve().parents[2]


def test_keys_are_unique_and_are_the_cli_choices():
    keys = formats.keys()
    assert len(set(keys)) == len(keys)
    parser = argparse.ArgumentParser()
    arguments.add_layout_options(parser)
    choices = {action.dest: action.choices for action in parser._actions}
    assert tuple(choices["format"]) == keys


@pytest.mark.parametrize("fmt", formats.REGISTRY, ids=lambda fmt: fmt.key)
def test_every_entry_is_complete_and_its_reader_imports(fmt):
    assert fmt.title and fmt.short and fmt.dialog_label
    assert fmt.extensions and all(s.startswith(".") and s == s.lower() for s in fmt.extensions)
    option_names = {field.name for field in fields(LoadOptions)}
    assert fmt.options <= option_names, fmt.options - option_names
    assert "format" in fmt.options
    reader = fmt.load_reader()
    assert callable(reader)
    assert list(inspect.signature(reader).parameters)[:3] == ["path", "options", "budget_bytes"]


def test_no_extension_is_claimed_twice():
    claimed = [suffix for fmt in formats.REGISTRY if fmt.extension_decides for suffix in fmt.extensions]
    assert len(claimed) == len(set(claimed))


def test_extension_lookup():
    assert formats.by_extension(".CSV").key == "csv"
    assert formats.by_extension(".ndjson").key == "jsonl"
    assert formats.by_extension(".txt") is None  # sniffed: a numeric table or sentences
    assert formats.by_extension(".docx") is None
    assert formats.by_magic(b"\x93NUMPY\x01\x00").key == "npy"
    assert formats.base_key("csv-long") == "csv"


def test_dispatch_has_no_list_of_its_own():
    source = inspect.getsource(dispatch)
    assert "_EXTENSIONS" not in source and "_READERS" not in source
    tree = ast.parse(source)
    literal_suffixes = [node.value for node in ast.walk(tree)
                        if isinstance(node, ast.Constant) and isinstance(node.value, str)
                        and node.value in formats.data_suffixes()]
    assert literal_suffixes == []


def test_dialog_filter_lists_every_extension():
    text = formats.dialog_filter()
    for fmt in formats.REGISTRY:
        assert f"{fmt.dialog_label} ({fmt.patterns})" in text
        for suffix in fmt.extensions:
            assert f"*{suffix}" in text.split(";;")[0]
    assert text.endswith("All files (*)")


def test_supported_text_names_every_format():
    text = formats.supported_text()
    for fmt in formats.REGISTRY:
        assert fmt.short in text


def test_window_lists_come_from_the_registry():
    """The file dialog, welcome screen and demo list use the registry (checked in the source,
    so this engine test needs no Qt)."""
    for relative, needle in (("gui/window_files.py", "formats.dialog_filter()"),
                             ("gui/welcome.py", "formats.supported_text()"),
                             ("gui/demos.py", "formats.data_suffixes()")):
        source = (ROOT / relative).read_text(encoding="utf-8")
        assert needle in source, relative
        assert "*.npz" not in source and '".jsonl"' not in source, relative



@pytest.mark.parametrize(("name", "content", "options", "stray"), [
    ("a.csv", "id,t,x\n1,0,1\n1,1,2\n", LoadOptions(labels_file="y.npy"), "labels file"),
    ("a.ts", "@problemName p\n@data\n1,2,3\n", LoadOptions(layout="wide"), "layout"),
    ("a.json", '[{"x": [1, 2]}]', LoadOptions(delimiter=";", id_col="x"), "delimiter, id col"),
])
def test_an_option_of_another_format_is_refused(tmp_path, name, content, options, stray):
    from core.errors import LoadError
    from core.loaders import load

    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(LoadError, match=f"{name}: the options? {stray} do(es)? not apply to"):
        load(path, options)


@pytest.mark.parametrize(("options", "message"), [
    (LoadOptions(id_col="id", label_col="id"), "the column 'id' is given as both the id column and the label column"),
    (LoadOptions(id_col="id", time_col="id"), "the column 'id' is given as both the id column and the time column"),
    (LoadOptions(label_col="v", feature_cols=("v",)), "the column 'v' is given as both the label column and a feature column"),
])
def test_one_column_in_two_roles_is_refused(tmp_path, options, message):
    from core.errors import LoadError
    from core.loaders import load

    path = tmp_path / "roles.csv"
    path.write_text("id,t,v\n1,0,1\n1,1,2\n2,0,3\n")
    with pytest.raises(LoadError, match=message):
        load(path, options)


RELOAD_FILES = ["resources/demos/vowels_long.csv", "resources/demos/JapaneseVowels_TRAIN.ts",
                "resources/demos/sentiment_reviews.txt", "resources/demos/daphnet_gait_sensors.csv",
                "tests/data/real/aeon/BasicMotions_TRAIN.arff", "tests/data/real/aeon/m1_yearly_dataset.tsf",
                "tests/data/real/tslearn/Trace.npz"]


@pytest.mark.parametrize("relative", RELOAD_FILES)
def test_the_options_a_reader_reports_read_the_file_again(relative):
    """Sessions and the window reload with ``source.options``: they must pass the option checks."""
    from core.loaders import load

    first = load(ROOT / relative)
    again = load(ROOT / relative, LoadOptions.from_dict(dict(first.source.options)))
    assert again.values.shape == first.values.shape
    assert again.source.format == first.source.format


def test_the_options_of_json_and_npy_read_the_file_again(tmp_path):
    import json

    import numpy as np

    from core.loaders import load

    records = tmp_path / "r.json"
    records.write_text(json.dumps([{"steps": [1, 2, 3], "y": "a"}, {"steps": [4, 5], "y": "b"}]))
    array = tmp_path / "x.npy"
    np.save(array, np.zeros((4, 100)))
    for path in (records, array):
        first = load(path)
        assert load(path, LoadOptions.from_dict(dict(first.source.options))).values.shape == first.values.shape
