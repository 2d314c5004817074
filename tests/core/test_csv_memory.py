"""Memory the CSV reader keeps after parsing a long file, in a fresh process (no timings here).

pandas' pyarrow engine parses into pyarrow's memory pool; its freed scratch (three times the
table on a 10M-row file) stayed in that pool while the sequences were built with numpy's
allocator, which made ``inspect``'s peak 1.5x ``pandas.read_csv(engine="pyarrow")``'s. After the
parse the process may hold the table and at most as much again.
"""

from __future__ import annotations

import json

import pytest

from benchmarks.scale_files import python_code, run_measured, write_long_csv

MIB = 1 << 20

CHILD = """
import json, sys
import core.loaders.csv_table as csv_table
from core.loaders import load
from core.options import LoadOptions

def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))

parse, seen = csv_table._parse, {}
def measured(data, *args, **kwargs):
    before = rss()
    table = parse(data, *args, **kwargs)
    seen.update(added=rss() - before, frame=int(table.frame.memory_usage(deep=True).sum()))
    return table
load(sys.argv[2], LoadOptions())  # a small file first: imports (pandas, pyarrow) are not the file's memory
csv_table._parse = measured
dataset = load(sys.argv[1], LoadOptions())
print(json.dumps({**seen, "samples": dataset.n_samples}))
"""


@pytest.mark.slow
def test_parsing_a_long_csv_keeps_at_most_twice_the_table(tmp_path):
    path, small = tmp_path / "long.csv", tmp_path / "small.csv"
    write_long_csv(path, 1_000_000, 10_000)  # 38 MB of text, a 56 MB table
    write_long_csv(small, 1_000, 10)
    seconds, peak, out, err, code = run_measured(python_code(CHILD, str(path), str(small)), timeout=300)
    assert code == 0, err
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["samples"] == 10_000
    assert seen["added"] <= 2 * seen["frame"] + 16 * MIB, (
        f"parsing added {seen['added'] / MIB:.0f} MiB for a {seen['frame'] / MIB:.0f} MiB table")
