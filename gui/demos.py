"""The bundled demo data sets, described by ``resources/demos/demos.json``.

Each entry is ``{name, file, title, description, load_options, window_options?, test_file?}``.
When the JSON is missing or unreadable the data files in the folder are offered as demos
with a title made from the file name, so the demos menu never breaks. Qt-free, so
``shape-explorer --demo`` can list demos quickly.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

from core.loaders import formats
from core.options import LoadOptions, WindowOptions

DEMOS_DIR_ENV = "SHAPE_EXPLORER_DEMOS_DIR"
_DATA_SUFFIXES = formats.data_suffixes()
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Demo:
    """One bundled data set and the options that read it well."""

    name: str
    title: str
    description: str
    path: Path
    load_options: LoadOptions
    window_options: WindowOptions | None = None
    test_path: Path | None = None

    def matches(self, name: str) -> bool:
        """True when ``name`` names this demo: its name, file name or file stem, ignoring case
        and ``-``/``_`` (so ``vowels-long``, ``vowels_long`` and ``vowels_long.csv`` all match)."""
        wanted = _demo_key(name)
        return wanted in {_demo_key(self.name), _demo_key(self.path.name), _demo_key(self.path.stem)}


def _demo_key(text: str) -> str:
    return text.strip().lower().replace("_", "-")


def demos_dir() -> Path:
    """``resources/demos`` next to the packages (or ``$SHAPE_EXPLORER_DEMOS_DIR``)."""
    override = os.environ.get(DEMOS_DIR_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "resources" / "demos"


def list_demos(folder: Path | None = None) -> list[Demo]:
    """The demos whose data file exists, in the order of ``demos.json``."""
    folder = demos_dir() if folder is None else Path(folder)
    if not folder.is_dir():
        return []
    index = folder / "demos.json"
    if index.is_file():
        try:
            entries = json.loads(index.read_text(encoding="utf-8"))
            demos = [_from_entry(folder, entry) for entry in entries]
            return [demo for demo in demos if demo is not None]
        except (OSError, ValueError, TypeError, AttributeError) as error:
            log.warning("demos.json in %s is unreadable (%s); listing the data files instead", folder, error)
    return _from_files(folder)


def find_demo(name: str, folder: Path | None = None, demos: list[Demo] | None = None) -> Demo | None:
    """The demo ``name`` names (see :meth:`Demo.matches`) among ``demos`` (default: those in ``folder``), or None."""
    candidates = list_demos(folder) if demos is None else demos
    return next((demo for demo in candidates if demo.matches(name)), None)


def _from_entry(folder: Path, entry: dict) -> Demo | None:
    path = folder / str(entry["file"])
    if not path.is_file():
        log.warning("demo %r names a missing file %s", entry.get("name"), path)
        return None
    window = entry.get("window_options")
    test_file = entry.get("test_file")
    test_path = folder / str(test_file) if test_file else None
    return Demo(
        name=str(entry.get("name") or path.stem),
        title=str(entry.get("title") or _title_from_file(path)),
        description=str(entry.get("description") or ""),
        path=path,
        load_options=_resolved(folder, LoadOptions.from_dict(dict(entry.get("load_options") or {}))),
        window_options=WindowOptions.from_dict(dict(window)) if window else None,
        test_path=test_path if test_path is not None and test_path.is_file() else None,
    )


def _resolved(folder: Path, options: LoadOptions) -> LoadOptions:
    """A demo's vectors file is named relative to the demos folder."""
    if options.embeddings and not Path(options.embeddings).is_absolute():
        return replace(options, embeddings=str(folder / options.embeddings))
    return options


def _from_files(folder: Path) -> list[Demo]:
    files = sorted(p for p in folder.iterdir()
                   if p.is_file() and p.suffix.lower() in _DATA_SUFFIXES and p.name != "demos.json")
    return [Demo(p.stem.lower(), _title_from_file(p), f"{p.name} (bundled data)", p, LoadOptions()) for p in files]


def _title_from_file(path: Path) -> str:
    return path.stem.replace("_", " ").replace("-", " ").strip().capitalize()
