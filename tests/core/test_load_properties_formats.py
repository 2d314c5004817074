"""Arbitrary bytes under every registered extension (and compressed) end in data or a LoadError."""

from __future__ import annotations

import gzip
import lzma

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import LoadError, ShapeExplorerError
from core.loaders import formats, load

SUFFIXES = sorted(formats.data_suffixes()) + ["", ".dat"]
HEADERS = [b"", b"@relation r\n@attribute a numeric\n@data\n", b"@relation r\n@attribute series_name string\n@data\n",
           b"@problemName p\n@data\n", b"\x93NUMPY\x01\x00", b"PK\x03\x04", b"\x1f\x8b\x08", b"BZh9", b"\xfd7zXZ\x00"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(suffix=st.sampled_from(SUFFIXES), head=st.sampled_from(HEADERS), body=st.binary(max_size=300),
       packing=st.sampled_from([None, "gzip", "xz"]))
def test_arbitrary_bytes_give_a_dataset_or_a_load_error(tmp_path, suffix, head, body, packing):
    content = head + body
    name = "fuzz" + suffix
    if packing == "gzip":
        content, name = gzip.compress(content), name + ".gz"
    elif packing == "xz":
        content, name = lzma.compress(content), name + ".xz"
    path = tmp_path / name
    path.write_bytes(content)
    try:
        data = load(path, budget_bytes=1 << 26)
    except ShapeExplorerError as error:
        assert isinstance(error, LoadError) or "memory budget" in str(error)
        assert path.name in str(error) or "memory budget" in str(error)
        return
    assert data.n_samples >= 1 and data.values.ndim == 2
