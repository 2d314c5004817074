"""The Dataset dock: the key facts of the loaded data, from its shape report.

Its reason to change is what the report says (a new format's words, a new kind of label or
vector file); the window only calls :meth:`DatasetDetails.set_report` when the data changes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QTextBrowser, QWidget

from core.loaders import formats
from core.wording import escape_html, plural


class DatasetDetails(QTextBrowser):
    """Key facts about the loaded data: file, lengths, labels, padding, guesses and warnings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetDetails")
        self.setOpenLinks(False)
        self.setToolTip("Facts about the loaded data and what was guessed while reading it.")
        self.set_report(None)

    def set_report(self, report) -> None:
        if report is None:
            self.setHtml("<p>No data loaded.</p>")
            return
        data = report.to_dict()
        from gui.app import breakable

        # File names break at _ . - (never mid-word) when the dock is narrow.
        rows = [("File", breakable(Path(data["file"]).name, longest=12) if data.get("file") else "(in memory)"),
                ("Read as", _format_words(str(data.get("format"))))]
        if data.get("kind") == "series":
            window = data.get("window") or {}
            rows.append(("Series", f"{data.get('series_length'):,} rows × {data['features']} features"))
            rows.append(("Windows", f"{window.get('window')} steps, every {window.get('stride')}, "
                                    f"target {plural(int(window.get('horizon') or 0), 'step')} ahead"))
            rows.append(("Unused tail", plural(int(data.get('dropped_tail') or 0), 'row')))
        else:
            lengths = data.get("lengths") or {}
            rows.append(("Lengths", f"{lengths.get('min')} to {lengths.get('max')} steps "
                                    f"(mean {float(lengths.get('mean') or 0):.1f})"))
            padding = data.get("padding") or {}
            rows.append(("Padding", f"{padding.get('padding')}, maxlen {padding.get('maxlen')}, "
                                    f"value {padding.get('value')}"))
            rows.append(("Padded cells", f"{float(data.get('padded_fraction') or 0):.1%}"))
            rows.append(("Truncated", plural(int(data.get('truncated') or 0), 'sequence')))
            suggested = data.get("suggested_maxlen") or {}
            if suggested.get("value") is not None:
                rows.append(("Suggested maxlen", f"{suggested['value']} ({suggested.get('percentile')}th percentile, "
                                                 f"truncates {float(suggested.get('truncated_share') or 0):.1%})"))
        labels = data.get("labels")
        if labels:
            classes = labels.get("classes")
            text = f"{labels.get('kind')}" + (f", {len(classes)} classes" if classes else "")
            counts = labels.get("counts")
            if counts:
                text += ": " + ", ".join(f"{k} ({v})" for k, v in list(counts.items())[:12])
                text += "…" if len(counts) > 12 else ""
            rows.append(("Labels", text))
        elif data.get("kind") != "series":
            rows.append(("Labels", "none found"))
        if data.get("vocabulary_size"):
            rows.append(("Vocabulary", f"{data['vocabulary_size']:,} tokens (0 = padding, 1 = unknown)"))
        vectors = data.get("embeddings")
        if vectors:
            rows.append(("Word vectors", f"{Path(vectors['file']).name} ({vectors['format']}, {vectors['dim']}-d, "
                                         f"{vectors['vectors']:,} vectors)"))
            examples = ", ".join(vectors.get("oov_examples") or [])
            rows.append(("Coverage", f"{vectors['covered']} of {vectors['words']} words, "
                                     f"{float(vectors['coverage']):.1%} of the tokens"
                                     + (f"; missing ({vectors['oov']}): {examples}" if examples else "")))
            rows.append(("Vectors used as", "the features (padded steps masked)" if vectors.get("embed_features")
                         else "a frozen Embedding's initial weights"))
        names = data.get("feature_names") or []
        if names and data.get("kind") != "tokens" and not vectors:
            rows.append(("Features", ", ".join(names[:16]) + ("…" if len(names) > 16 else "")))
        html = ["<table cellspacing='2' cellpadding='2'>"]
        html += [f"<tr><td valign='top'><b>{k}</b></td><td>{escape_html(v)}</td></tr>" for k, v in rows]
        html.append("</table>")
        guesses = data.get("guesses") or []
        if guesses:
            html.append("<p><b>Guessed while reading</b></p><ul style='margin-left: -20px'>")
            html += [f"<li>{escape_html(g['what'])}: {escape_html(str(g['value']))} — {escape_html(g['why'])}</li>" for g in guesses]
            html.append("</ul>")
        warnings = data.get("warnings") or []
        if warnings:
            html.append("<p><b>Warnings</b></p><ul style='margin-left: -20px'>")
            html += [f"<li>{escape_html(w)}</li>" for w in warnings]
            html.append("</ul>")
        self.setHtml("".join(html))


_FORMAT_WORDS = {
    "csv-long": "CSV, long layout (a row per step)", "csv-wide": "CSV, wide layout (a row per sample)",
    "csv-series": "CSV, one long series", "npy": "NumPy array", "npz": "NumPy archive", "json": "JSON records",
    "jsonl": "JSON Lines records", "text": "text, a sentence per line", "ts": "UEA/UCR .ts time series",
}


def _format_words(fmt: str) -> str:
    """How the details panel names the format: the layout words above, else the registry's title."""
    if fmt in _FORMAT_WORDS:
        return _FORMAT_WORDS[fmt]
    try:
        return formats.get(formats.base_key(fmt)).title
    except KeyError:
        return fmt

