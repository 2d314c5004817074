"""The exported script's readers for records: JSON / JSON Lines records and text, a sentence a line.

JSON records are found where the loader found them (the top level, a top-level object's list,
one per line) with the same sequence and label fields; text is tokenised with the loader's
token pattern and vocabulary rule (0 pads, 1 is unknown, then by frequency).
"""

from __future__ import annotations

from typing import Any

from core.dataset import SequenceDataset
from core.export.opening import compression_import, open_text
from core.export.script_text import literal
from core.loaders.text_tokens import PAD, TOKEN_PATTERN, UNKNOWN


def json_reader(fmt: str, options: dict[str, Any], dataset: SequenceDataset | None, series: bool) -> str:
    field = options.get("sequence_field")
    label = options.get("label_col")
    container = options.get("container_key")
    container_labels = options.get("container_label_key")
    opened = open_text(options)
    if fmt == "jsonl":
        load = f"with {opened} as handle:\n    data = [json.loads(line) for line in handle if line.strip()]\n"
    else:
        load = f"with {opened} as handle:\n    data = json.load(handle)\n"
    load = compression_import(options) + load
    if series:
        return load + '''
# One flat list of numbers: one univariate series.
series = np.array(data, dtype="float32").reshape(-1, 1)
'''
    n_features = int(dataset.n_features) if dataset is not None else 1
    if container:
        records = f"records = data[{literal(container)}]  # the top-level object's list of sequences"
    elif fmt == "jsonl":
        records = "records = data  # one record per line"
    else:
        records = "records = data if isinstance(data, list) else [data]"
    steps = f"[record[{literal(field)}] for record in records]" if field else "records  # each record is a list of steps"
    if container_labels:
        labels = f"data[{literal(container_labels)}]  # the top-level object's list of labels"
    elif label:
        labels = f"[record[{literal(label)}] for record in records]"
    else:
        labels = "None"
    return load + f'''{records}
steps_list = {steps}
raw_labels = {labels}
N_FEATURES = {n_features}
sequences = [np.array(steps, dtype="float32").reshape(len(steps), N_FEATURES) for steps in steps_list]
raw_labels = None if raw_labels is None else np.array(raw_labels, dtype=object)
'''


def text_reader(options: dict[str, Any]) -> str:
    assert '"' not in TOKEN_PATTERN.pattern and not TOKEN_PATTERN.pattern.endswith("\\")  # a valid r"..." literal
    lowercase = bool(options.get("lowercase", True))
    side = options.get("text_label") or options.get("label_position") or options.get("label_col")
    max_vocab = options.get("max_vocab")
    if side == "fasttext":
        split = '''    words = line.split()  # fastText: "__label__pos __label__other words…" keeps the first label
    count = next((i for i, word in enumerate(words) if not word.startswith("__label__")), len(words))
    label, sentence = words[0][len("__label__"):], " ".join(words[count:])'''
        where = '"__label__name sentence" (fastText)'
    elif side == "first":
        split = '    label, _, sentence = line.partition("\\t")'
        where = '"label<TAB>sentence"'
    else:
        split = '    sentence, _, label = line.rpartition("\\t") if "\\t" in line else (line, "", "")'
        where = '"sentence<TAB>label"'
    return compression_import(options) + f'''
# Text: one sentence per line, {where}; words and punctuation are tokens.
TOKEN = re.compile(r"{TOKEN_PATTERN.pattern}")
with {open_text(options)} as handle:
    lines = [line.rstrip("\\n") for line in handle if line.strip()]
token_lists, label_texts = [], []
for line in lines:
{split}
    token_lists.append(TOKEN.findall(sentence.lower() if {lowercase} else sentence))
    label_texts.append(label.strip())
# Vocabulary: id 0 pads, id 1 is unknown, then tokens by frequency (ties alphabetical).
counts = Counter(token for tokens in token_lists for token in tokens)
ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0])){f"[:{max(0, int(max_vocab))}]" if max_vocab is not None else ""}
vocabulary = [{PAD!r}, {UNKNOWN!r}] + [token for token, _ in ranked]
index = {{token: i for i, token in enumerate(vocabulary)}}
sequences = [np.array([index.get(t, 1) for t in tokens], dtype="int32") for tokens in token_lists]
raw_labels = np.array(label_texts, dtype=object) if any(label_texts) else None
'''
