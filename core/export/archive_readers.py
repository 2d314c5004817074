"""The exported script's readers for time-series archive formats: UEA/UCR ``.ts`` and ``.arff``, Monash ``.tsf``.

Each is a small line parser written into the script (no extra library), reading the cases, their
dimensions and labels as the loader did.
"""

from __future__ import annotations

from typing import Any

from core.export.opening import compression_import, open_text


def ts_reader(options: dict[str, Any]) -> str:
    timestamps = bool(options.get("timestamps"))
    values = (
        '''            # (time,value) pairs: the values are kept in file order, the timestamps dropped.
            dims = [",".join(pair.rpartition(",")[2] for pair in re.findall(r"\\(([^()]*)\\)", d))
                    for d in re.split(r"(?<=\\))\\s*:", body)]'''
        if timestamps
        else '''            dims = body.split(":")'''
    )
    return compression_import(options) + f'''
def read_ts(path):
    """Cases of a UEA/UCR .ts file: dimensions split by ':', values by ',', the label last."""
    sequences, labels = [], []
    with {open_text(options, "path")} as handle:
        in_data = False
        for line in handle:
            line = line.strip()
            if not line or line.startswith(("#", "%")):
                continue
            if not in_data:
                in_data = line.split()[0].lower() == "@data"
                continue
            body, _, label = line.rpartition(":")
{values}
            channels = [np.array(d.replace("?", "nan").split(","), dtype="float64") for d in dims]  # '?' is missing
            sequences.append(np.stack(channels, axis=1).astype("float32"))  # (length, dimensions)
            labels.append(label.strip())
    return sequences, np.array(labels, dtype=object)


sequences, raw_labels = read_ts(FILE)
'''


def arff_reader(options: dict[str, Any]) -> str:
    return compression_import(options) + f'''
def unquote(text):
    """An ARFF value without its quotes (and backslash escapes)."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\\"":
        return re.sub(r"\\\\(.)", r"\\1", text[1:-1])
    return text


def read_arff(path):
    """Cases of a UEA/UCR .arff file: the values, then the class after the last ','. A multivariate
    (relational) case is one quoted string whose dimensions are separated by the two characters \\\\n;
    trailing '?' shorten a sequence, a '?' inside it is missing (NaN)."""
    sequences, labels = [], []
    with {open_text(options, "path")} as handle:
        in_data = False
        for line in handle:
            line = line.strip()
            if not line or line.startswith("%"):
                continue
            if not in_data:
                in_data = line.lower().startswith("@data")
                continue
            quoted = line[-1] in "'\\"" and line.rfind("," + line[-1], 0, len(line) - 1) >= 0
            cut = line.rfind("," + line[-1], 0, len(line) - 1) if quoted else line.rfind(",")
            body, label = line[:cut], line[cut + 1:]
            # A relational case: the quoted dimensions, split at the two characters backslash and n.
            dims = body.strip()[1:-1].split("\\\\n") if body.strip()[:1] in "'\\"" else [body]
            values = np.array([np.array(d.replace("?", "nan").split(","), dtype="float64") for d in dims])
            present = ~np.isnan(values).all(axis=0)  # a step exists when any dimension has a value
            length = len(present) - int(np.argmax(present[::-1]))
            sequences.append(values[:, :length].T.astype("float32"))  # (length, dimensions)
            label = unquote(label)
            labels.append("" if label == "?" else label)
    return sequences, np.array(labels, dtype=object)


sequences, raw_labels = read_arff(FILE)
'''


def tsf_reader(options: dict[str, Any]) -> str:
    return compression_import(options) + f'''
# A Monash .tsf file of one series: after the header's @attribute lines and @data, the line is the
# attribute values separated by ':' and then the series' values separated by ','.
with {open_text(options)} as handle:
    lines = [line.strip() for line in handle]
fields = sum(1 for line in lines if line.lower().startswith("@attribute"))
start = next(i for i, line in enumerate(lines) if line.lower().startswith("@data")) + 1
body = next(line for line in lines[start:] if line and not line.startswith("#")).split(":", fields)[-1]
series = np.array(body.replace("?", "nan").split(","), dtype="float64").astype("float32")[:, None]
'''
