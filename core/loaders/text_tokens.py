"""Plain text, one sentence per line (optionally with a tab-separated label) → token ids.

Each non-blank line becomes one sequence of token ids (``kind="tokens"``, values int32 of
shape ``(total_tokens, 1)``); the features then come from an Embedding layer. Tokens are
words (letters/digits, keeping inner apostrophes) and single punctuation marks. The
vocabulary is ordered by frequency, ties alphabetically, after id 0 = ``"<pad>"`` (padding)
and id 1 = ``"<unk>"`` (tokens beyond ``max_vocab``).

Labels: ``sentence<TAB>label`` is the default; ``label<TAB>sentence`` is detected when the
first fields are single words that repeat and the second fields are not; fastText's
``__label__pos sentence`` lines are detected when every line starts with ``__label__`` (a line
with several labels keeps the first, and the report says so). ``label_col`` set to ``"first"``,
``"last"`` or ``"fasttext"`` overrides the detection. The position is recorded in
``source.options["text_label"]`` (``"first"``, ``"last"``, ``"fasttext"`` or None).

Encoding: UTF-8 in which a few bytes are not UTF-8 (a Windows quote pasted in) is read as
UTF-8 with those bytes as cp1252 characters, with a warning naming the first line, instead of
refusing the file (:func:`core.loaders.files.decode_utf8_with_stray_bytes`).

Pre-trained vectors (``options.embeddings``, :mod:`core.loaders.embeddings`): the file is
read for this vocabulary only and attached as ``dataset.embeddings`` (the ``(vocabulary,
dim)`` matrix and its coverage); with ``options.embed_features`` the dataset's values become
the vectors themselves (``kind="sequences"``, ``dim`` features per step), so the tensor is
``(N, T, dim)`` and padded steps are masked like any padded float data.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from itertools import chain
from pathlib import Path

import numpy as np

from core.budget import check_budget
from core.dataset import DatasetKind, Guess, SequenceDataset, SourceInfo
from core.errors import LoadError
from core.loaders import files
from core.options import LoadOptions
from core.wording import plural

PAD = "<pad>"
UNKNOWN = "<unk>"
FASTTEXT_LABEL = "__label__"
LABEL_POSITIONS = ("first", "last", "fasttext")
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
        if side not in LABEL_POSITIONS:
            raise LoadError(path, f"for text files the label column is 'first', 'last' or 'fasttext', not '{option}'")
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
    notes: list[str] = []
    stray = None if options.encoding else files.decode_utf8_with_stray_bytes(raw)
    if stray is not None:
        decoded = files.DecodedText(stray[0], "utf-8", None)
        found = stray[1]
        notes.append(f"{plural(found.count, 'byte')} {'is' if found.count == 1 else 'are'} not UTF-8 (first on line "
                     f"{found.first_line}: {', '.join(found.examples)}); read as cp1252 characters, the rest as UTF-8")
    else:
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

    sentences: list[str]
    label_texts: list[str] | None = None
    option = (options.label_col or "").lower() or None
    prefixed = sum(1 for _, line in numbered if line.lstrip().startswith(FASTTEXT_LABEL))
    # Every line labelled is fastText's format; most lines labelled is that format with a line
    # missing its label, which _fasttext_labels names (a stray '__label__' word alone is not).
    fasttext = option == "fasttext" or (option is None and prefixed * 2 > len(numbered))
    if fasttext:
        side = "fasttext"
        if option is None:
            guesses.append(Guess("label position", "fasttext", "the lines start with fastText's '__label__' prefix",
                                 "label_col"))
        label_texts, sentences, several = _fasttext_labels(path, numbered)
        if several:
            notes.append(f"{plural(several, 'line')} {'has' if several == 1 else 'have'} several __label__ prefixes; "
                         "the first label of each line is used")
    else:
        with_tab = [("\t" in line) for _, line in numbered]
        if any(with_tab):
            if not all(with_tab):
                number = numbered[with_tab.index(False)][0]
                raise LoadError(path, "has no tab-separated label while other lines have one", where=f"line {number}",
                                hint="Add 'TAB label' to the line, or remove the labels everywhere")
            pairs = [(head, tail) for head, _, tail in (line.partition("\t") for _, line in numbered[:200])]  # every line has a tab
            side, guess = _label_side(path, pairs, options.label_col)
            if side == "fasttext":
                raise LoadError(path, "has no '__label__' prefixes, so its labels are not in fastText's form",
                                where=f"line {numbered[0][0]}", hint="Leave the label position to be detected")
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

    if blank:
        notes.append(f"{blank} blank line{'s' if blank != 1 else ''} skipped")
    if options.max_vocab is not None and len(counts) > options.max_vocab:
        notes.append(f"{len(counts) - int(options.max_vocab)} rare tokens beyond max_vocab={options.max_vocab} map to {UNKNOWN}")

    labels = None
    if label_texts is not None:
        from core.loaders.csv_table import encode_labels

        labels = encode_labels(np.asarray(label_texts, dtype=object), "label", path,
                               lambda row: f"line {numbered[row][0]}")
        if labels.classes is not None and len(labels.classes) == 1:
            notes.append(f"every line has the same label ('{labels.classes[0]}')")

    effective = replace(options, format="text", label_col=None if side == "fasttext" else side,
                        encoding=options.encoding or decoded.encoding)
    values = ids[:, None]
    kind: DatasetKind = "tokens"
    feature_names: tuple[str, ...] = ("token",)
    embeddings = None
    if options.embed_features and not options.embeddings:
        raise LoadError(path, "cannot be read as vectors without a vectors file",
                        hint="Choose the vectors with --embeddings FILE (or Embeddings… in the text import)")
    if options.embeddings:
        embeddings = _read_embeddings(path, options, vocabulary, ids, budget_bytes)
        effective = replace(effective, embeddings=embeddings.file)
        notes.extend(f"vectors file: {warning}" for warning in embeddings.warnings)
        if options.embed_features:
            files.check_cancelled(path, cancelled)
            values = embeddings.matrix[ids]  # (total_tokens, dim) float32; padding is added later
            kind = "sequences"
            feature_names = tuple(f"dim_{i}" for i in range(embeddings.dim))
    source_options = effective.to_dict()
    source_options["text_label"] = side
    if stray is not None:
        source_options["stray_bytes"] = "cp1252"
    source = SourceInfo(str(path), "text", source_options, tuple(guesses), tuple(notes))
    return SequenceDataset(values, lengths, feature_names, source, labels, kind,
                           vocabulary if kind == "tokens" else None, embeddings=embeddings).validate()


def _fasttext_labels(path: Path, numbered: list[tuple[int, str]]) -> tuple[list[str], list[str], int]:
    """``(labels, sentences, lines with several labels)`` of ``__label__x sentence`` lines."""
    labels, sentences, several = [], [], 0
    for number, line in numbered:
        words = line.split()
        count = 0
        while count < len(words) and words[count].startswith(FASTTEXT_LABEL):
            count += 1
        if count == 0:
            raise LoadError(path, "has no '__label__' prefix while other lines have one", where=f"line {number}",
                            hint="Start the line with __label__NAME, or remove the labels everywhere")
        label = words[0][len(FASTTEXT_LABEL):]
        if not label:
            raise LoadError(path, "has '__label__' with no name after it", where=f"line {number}",
                            hint="Write the label right after the prefix, e.g. __label__positive")
        several += count > 1
        labels.append(label)
        sentences.append(" ".join(words[count:]))
    return labels, sentences, several


def _read_embeddings(path: Path, options: LoadOptions, vocabulary: tuple[str, ...], ids: np.ndarray, budget_bytes: int):
    from core.loaders import embeddings, word_vectors  # only when vectors are asked for

    if options.oov not in embeddings.OOV_RULES:
        raise LoadError(path, f"'{options.oov}' is not a rule for words missing from the vectors",
                        hint="Use oov 'zeros' or 'random'")
    assert options.embeddings is not None  # only called when vectors are asked for
    vectors_path = Path(options.embeddings).expanduser()
    info = word_vectors.describe(vectors_path)
    if info is not None:
        check_budget(f"The {info.dim}-d vectors of {len(vocabulary):,} words", len(vocabulary) * info.dim * 4
                     * (2 if options.embed_features else 1), budget_bytes)
        if options.embed_features:
            check_budget(f"{ids.size:,} tokens × {info.dim}-d vectors", ids.size * info.dim * 4, budget_bytes)
    return embeddings.for_vocabulary(vectors_path, vocabulary, ids, oov=options.oov, lowercase=options.lowercase,
                                     embed_features=options.embed_features)
