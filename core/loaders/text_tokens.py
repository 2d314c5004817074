"""Plain text, one sentence per line (optionally with a tab-separated label) → token ids.

Each non-blank line becomes one sequence of token ids (``kind="tokens"``, values int32 of
shape ``(total_tokens, 1)``); the features then come from an Embedding layer. Tokens are
words (letters/digits, keeping inner apostrophes) and single punctuation marks. The
vocabulary is ordered by frequency, ties alphabetically, after id 0 = ``"<pad>"`` (padding)
and id 1 = ``"<unk>"`` (tokens beyond ``max_vocab``).

Labels: ``sentence<TAB>label`` is the default; ``label<TAB>sentence`` is detected when the
first fields are single words that repeat and the second fields are not. ``label_col`` set
to ``"first"`` or ``"last"`` overrides the detection.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from itertools import chain
from pathlib import Path

import numpy as np

from core.dataset import Guess, SequenceDataset, SourceInfo
from core.errors import LoadError
from core.loaders import files
from core.options import LoadOptions

PAD = "<pad>"
UNKNOWN = "<unk>"
TOKEN_PATTERN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")


def tokenize(sentence: str, lowercase: bool = True) -> list[str]:
    """Split a sentence into words and punctuation marks."""
    return TOKEN_PATTERN.findall(sentence.lower() if lowercase else sentence)


def build_vocabulary(counts: Counter, max_vocab: int | None = None) -> tuple[str, ...]:
    """``("<pad>", "<unk>", most frequent tokens…)``, ties broken alphabetically."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if max_vocab is not None:
        ranked = ranked[: max(0, int(max_vocab))]
    return (PAD, UNKNOWN, *(token for token, _ in ranked))


def _label_side(path: Path, pairs: list[tuple[str, str]], option: str | None) -> tuple[str, Guess | None]:
    if option is not None:
        side = option.lower()
        if side not in ("first", "last"):
            raise LoadError(path, f"for text files the label column is 'first' or 'last', not '{option}'")
        return side, None
    firsts = [a.strip() for a, _ in pairs]
    lasts = [b.strip() for _, b in pairs]
    one_word_first = all(" " not in a for a in firsts)
    one_word_last = all(" " not in b for b in lasts)
    if one_word_first and not one_word_last and len(set(firsts)) < len(set(lasts)):
        return "first", Guess("label position", "first", "the text before the tab is always one word and the "
                              "text after it is not", "label_col")
    return "last", Guess("label position", "last", "lines look like 'sentence<TAB>label'", "label_col")


def read(path: Path, options: LoadOptions, budget_bytes: int, progress=None, cancelled=None) -> SequenceDataset:
    """Read one sentence per line into token ids and a vocabulary."""
    size = path.stat().st_size
    files.check_size(path, size, budget_bytes, factor=12.0)  # Python strings per token dominate
    raw = files.read_bytes(path)
    files.check_cancelled(path, cancelled)
    decoded = files.decode_text(raw, path, options.encoding, kind="text")
    del raw
    files.report_progress(progress, 0.1)
    guesses: list[Guess] = [decoded.guess] if decoded.guess else []

    lines = decoded.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline does not start a line
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    blank = len(lines) - len(numbered)
    if not numbered:
        raise LoadError(path, "has no text (only blank lines)")

    with_tab = [("\t" in line) for _, line in numbered]
    labelled = any(with_tab)
    sentences: list[str]
    label_texts: list[str] | None = None
    if labelled:
        if not all(with_tab):
            number = numbered[with_tab.index(False)][0]
            raise LoadError(path, "has no tab-separated label while other lines have one", where=f"line {number}",
                            hint="Add 'TAB label' to the line, or remove the labels everywhere")
        side, guess = _label_side(path, [tuple(line.split("\t", 1)) for _, line in numbered[:200]], options.label_col)
        if guess:
            guesses.append(guess)
        split = [line.split("\t", 1) if side == "first" else line.rsplit("\t", 1) for _, line in numbered]
        label_texts = [(parts[0] if side == "first" else parts[1]).strip() for parts in split]
        sentences = [parts[1] if side == "first" else parts[0] for parts in split]
        for (number, _), label in zip(numbered, label_texts):
            if not label:
                raise LoadError(path, "has a tab but no label after it", where=f"line {number}",
                                hint="Write the label after the tab, or remove the tab")
    else:
        side = None
        sentences = [line for _, line in numbered]
    files.check_cancelled(path, cancelled)

    token_lists = [tokenize(sentence, options.lowercase) for sentence in sentences]
    lengths = np.fromiter((len(tokens) for tokens in token_lists), dtype=np.int64, count=len(token_lists))
    if (lengths == 0).any():
        number = numbered[int(np.argmax(lengths == 0))][0]
        raise LoadError(path, "has a label but no words", where=f"line {number}", hint="Add the sentence or remove the line")
    files.report_progress(progress, 0.5)
    files.check_cancelled(path, cancelled)

    counts = Counter(chain.from_iterable(token_lists))
    vocabulary = build_vocabulary(counts, options.max_vocab)
    index = {token: i for i, token in enumerate(vocabulary)}
    total = int(lengths.sum())
    ids = np.fromiter((index.get(token, 1) for token in chain.from_iterable(token_lists)), dtype=np.int32, count=total)
    files.report_progress(progress, 0.8)

    notes: list[str] = []
    if blank:
        notes.append(f"{blank} blank line{'s' if blank != 1 else ''} skipped")
    if options.max_vocab is not None and len(counts) > options.max_vocab:
        notes.append(f"{len(counts) - int(options.max_vocab)} rare tokens beyond max_vocab={options.max_vocab} map to {UNKNOWN}")

    labels = None
    if label_texts is not None:
        from core.loaders.csv_table import encode_labels  # noqa: PLC0415 (pandas only when labelled)

        labels = encode_labels(np.asarray(label_texts, dtype=object), "label", path,
                               lambda row: f"line {numbered[row][0]}")
        if labels.classes is not None and len(labels.classes) == 1:
            notes.append(f"every line has the same label ('{labels.classes[0]}')")

    effective = replace(options, format="text", label_col=side, encoding=options.encoding or decoded.encoding)
    source = SourceInfo(str(path), "text", effective.to_dict(), tuple(guesses), tuple(notes))
    return SequenceDataset(ids[:, None], lengths, ("token",), source, labels, "tokens", vocabulary).validate()
