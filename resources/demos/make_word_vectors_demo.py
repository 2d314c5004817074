"""Write the word-vectors demo: five short reviews and 50-d GloVe-style vectors for their words.

Run from this folder: ``python make_word_vectors_demo.py``. Output is deterministic (numpy's
PCG64 with seed 12), written for Shape Explorer and released with it under CC0.

- ``word_vectors_sentences.txt``: 5 reviews of at most 10 words, ``sentence<TAB>label``.
- ``word_vectors_50d.txt``: GloVe's text format (``word v1 … v50``, no header) for every word
  of the reviews plus 300 filler words, so the file holds more rows than the text needs (as a
  real GloVe file does). Positive words lean one way along the first axis, negative words the
  other, so the vectors carry the sentiment the way trained vectors would.

Together they are the tutorials' seed case: 5 sentences × 10 words × 50-d vectors, the tensor
``(5, 10, 50)`` and ``input_shape=(10, 50)`` with ``--embed-features``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
DIM = 50
REVIEWS = [
    ("the movie was a wonderful journey from start to finish", "pos"),
    ("a dull plot and flat acting", "neg"),
    ("i loved every minute of it", "pos"),
    ("the worst film i have seen this year", "neg"),
    ("great music and a warm heart", "pos"),
]
POSITIVE = {"wonderful", "loved", "great", "warm", "heart", "journey"}
NEGATIVE = {"dull", "flat", "worst"}


def main() -> None:
    rng = np.random.default_rng(12)
    words: list[str] = []
    for sentence, _ in REVIEWS:
        words += [w for w in sentence.split() if w not in words]
    fillers = [f"word{i:03d}" for i in range(300)]
    vectors = rng.normal(0.0, 0.4, size=(len(words) + len(fillers), DIM))
    for i, word in enumerate(words):
        vectors[i, 0] += 1.0 if word in POSITIVE else -1.0 if word in NEGATIVE else 0.0
    order = rng.permutation(len(words) + len(fillers))  # the text's words are spread through the file
    names = words + fillers
    with open(HERE / "word_vectors_50d.txt", "w", encoding="utf-8", newline="\n") as out:
        for i in order:
            out.write(names[i] + " " + " ".join(f"{v:.5f}" for v in vectors[i]) + "\n")
    with open(HERE / "word_vectors_sentences.txt", "w", encoding="utf-8", newline="\n") as out:
        for sentence, label in REVIEWS:
            out.write(f"{sentence}\t{label}\n")


if __name__ == "__main__":
    main()
