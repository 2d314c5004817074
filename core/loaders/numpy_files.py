"""Read NumPy ``.npy`` arrays and ``.npz`` archives without ever unpickling.

Nothing is allocated before the header has been read: the shape and dtype in the ``.npy``
header (or in each ``.npz`` member's header, read from the first bytes of the member) give
the exact size, which is compared with the file (a truncated file is refused) and with the
memory budget. ``.npz`` members are also checked by their declared uncompressed size before
anything is decompressed, so a decompression bomb costs nothing.

Layouts: a 3-D array is ``(samples, timesteps, features)``; a 2-D array is either ``(samples,
timesteps)`` univariate sequences or one long ``(timesteps, features)`` series (a guess the
user can override with ``layout="wide"``/``"series"``); a 1-D array is one univariate series.
Arrays that look channels-first ``(samples, features, timesteps)`` are *not* transposed unless
``channels_first=True``: a warning is recorded for the shape doctor to surface, because a
short-sequence ``(N, T, F)`` array looks the same and silently transposing it would be worse.

Large ``.npy`` files (over :data:`MEMORY_MAP_BYTES`) are memory-mapped read-only, so the data
is paged in from disk when used instead of being copied into memory at load time.
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import IO

import numpy as np
from numpy.lib import format as npy_format

from core.budget import check_budget
from core.dataset import Guess, Labels, SequenceDataset, SourceInfo
from core.errors import LoadError
from core.loaders import files
from core.loaders.labels import encode_labels
from core.loaders.numbers import check_float32_range
from core.options import LoadOptions

MEMORY_MAP_BYTES = 64 * 1024**2  # .npy arrays bigger than this stay on disk (mmap_mode="r")
CHANNELS_FIRST_MAX_F = 64  # a middle axis this small, and much shorter than the last, looks like features
SERIES_MAX_COLUMNS = 64  # a 2-D array with more columns is never read as one series
SERIES_ROWS_PER_COLUMN = 10  # "rows >> columns": at least this many rows per column for a series

X_KEYS = ("X", "x", "data", "inputs", "features", "X_train", "x_train")
Y_KEYS = ("y", "Y", "labels", "targets", "label", "target", "y_train")

_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_SCAN_CHUNK = 1 << 22  # elements per block when counting NaN/inf, so the scan needs little memory


# ---- headers ---------------------------------------------------------------------------------
class _Header:
    """Shape, dtype and order from a ``.npy`` header, plus where the data starts."""

    def __init__(self, shape: tuple[int, ...], fortran_order: bool, dtype: np.dtype, data_offset: int) -> None:
        self.shape = shape
        self.fortran_order = fortran_order
        self.dtype = dtype
        self.data_offset = data_offset

    @property
    def data_bytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


def _read_header(handle: IO[bytes], path: Path, what: str) -> _Header:
    """Parse the ``.npy`` header at the current position of ``handle`` without reading data."""
    try:
        version = npy_format.read_magic(handle)
        if version == (1, 0):
            shape, fortran_order, dtype = npy_format.read_array_header_1_0(handle)
        elif version == (2, 0):
            shape, fortran_order, dtype = npy_format.read_array_header_2_0(handle)
        elif version == (3, 0) and hasattr(npy_format, "_read_array_header"):
            shape, fortran_order, dtype = npy_format._read_array_header(handle, version=(3, 0))
        else:
            raise LoadError(path, f"{what} uses NumPy file format version {version[0]}.{version[1]}, which is not supported",
                            hint="Save it again with numpy.save")
        offset = handle.tell()
    except LoadError:
        raise
    except Exception:  # noqa: BLE001 - any parse failure of untrusted bytes means "not an .npy header"
        raise LoadError(path, f"{what} is not a valid NumPy array (its header cannot be read)",
                        hint="Save the array with numpy.save or numpy.savez") from None
    if not isinstance(shape, tuple) or any(not isinstance(n, int) or n < 0 for n in shape):
        raise LoadError(path, f"{what} has an invalid shape {shape!r} in its header")
    return _Header(tuple(int(n) for n in shape), bool(fortran_order), np.dtype(dtype), offset)


def _check_dtype(header: _Header, path: Path, what: str, allow_text: bool) -> None:
    """Refuse dtypes that cannot become a tensor, before any data is read."""
    dtype = header.dtype
    if dtype.hasobject:
        raise LoadError(path, f"{what} contains Python objects (pickled data); Shape Explorer never unpickles files",
                        hint="Save it with a numeric dtype, e.g. numpy.save(path, x.astype('float32'))")
    if dtype.names is not None:
        raise LoadError(path, f"{what} is a structured (record) array with fields {', '.join(dtype.names)}",
                        hint="Save a plain numeric array, e.g. numpy.stack of the fields")
    if dtype.kind == "c":
        raise LoadError(path, f"{what} holds complex numbers ({dtype}), which an LSTM cannot take",
                        hint="Save the real and imaginary parts as two features")
    if dtype.kind in "US" and allow_text:
        return
    if dtype.kind not in "biuf":
        raise LoadError(path, f"{what} holds {dtype} values, not numbers", hint="Save it with a numeric dtype such as float32")


# ---- entry point -----------------------------------------------------------------------------
def read(path: Path, options: LoadOptions, budget_bytes: int, progress=None, cancelled=None) -> SequenceDataset:
    """Read a ``.npy`` or ``.npz`` file into a :class:`SequenceDataset` (never unpickling)."""
    path = Path(path)
    info = files.check_regular_file(path)
    head = files.read_head(path, 8)
    if head.startswith(_NPY_MAGIC):
        kind = "npy"
    elif head.startswith(_ZIP_MAGIC):
        kind = "npz"
    elif path.suffix.lower() == ".npz" or options.format == "npz":
        raise LoadError(path, "is not a NumPy .npz archive (it is not a zip file)", hint="Save it with numpy.savez")
    else:
        raise LoadError(path, "is not a NumPy .npy file (it does not start with the NumPy signature)",
                        hint="Save it with numpy.save, or pick the right format")
    files.check_cancelled(path, cancelled)
    guesses: list[Guess] = []
    warnings: list[str] = []
    if kind == "npy":
        x = _load_npy(path, info.st_size, budget_bytes)
        y = _load_labels_file(path, options.labels_file, budget_bytes) if options.labels_file else None
        x_key = y_key = None
    else:
        x, y, x_key, y_key = _load_npz(path, options, budget_bytes, guesses)
    files.report_progress(progress, 0.5)
    files.check_cancelled(path, cancelled)
    effective = replace(options, format=kind, x_key=x_key, y_key=y_key,
                        labels_file=str(_labels_path(path, options.labels_file)) if options.labels_file else None)
    return _to_dataset(path, kind, x, y, effective, budget_bytes, guesses, warnings, progress, cancelled)


def _load_npy(path: Path, file_size: int, budget_bytes: int) -> np.ndarray:
    """Check the header against the file size and the budget, then load or memory-map."""
    with open(path, "rb") as handle:
        header = _read_header(handle, path, "the array")
    _check_dtype(header, path, "the array", allow_text=False)
    _check_shape(header.shape, path, "the array", max_ndim=None)
    present = file_size - header.data_offset
    if present < header.data_bytes:
        raise LoadError(path, f"is truncated: header promises {header.data_bytes} bytes, file has {max(present, 0)}",
                        hint="Copy or save the file again")
    if present > header.data_bytes:
        _refuse_trailing_bytes(path, header, present - header.data_bytes)
    # The budget guards allocations. A C-order array bigger than the budget is memory-mapped instead:
    # it stays on disk and training reads it batch by batch (the scale path), so it is not refused.
    if header.fortran_order:
        check_budget(f"Loading {path.name} (shape {header.shape}, {header.dtype})", header.data_bytes, budget_bytes)
    mmap_mode = "r" if header.data_bytes > min(MEMORY_MAP_BYTES, budget_bytes) else None
    try:
        return np.load(path, mmap_mode=mmap_mode, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise LoadError(path, f"could not be read as a NumPy array ({error})", hint="Save it again with numpy.save") from None


def _refuse_trailing_bytes(path: Path, header: _Header, extra: int) -> None:
    """A ``.npy`` holds exactly one array: anything after it would be silently ignored by np.load."""
    with open(path, "rb") as handle:
        handle.seek(header.data_offset + header.data_bytes)
        tail = handle.read(len(_NPY_MAGIC))
    if tail == _NPY_MAGIC:
        raise LoadError(path, f"holds a second array after the first (shape {header.shape}): several arrays were saved into "
                        "one file, and only the first would be read",
                        hint="Save them together with numpy.savez(path, X=x, y=y), or concatenate them into one array first")
    raise LoadError(path, f"has {extra:,} unexpected bytes after its array of shape {header.shape}",
                    hint="The file was probably appended to or damaged; save the array again with numpy.save")


def _load_labels_file(inputs: Path, labels_file: str, budget_bytes: int) -> np.ndarray:
    """Labels from their own ``.npy`` (numbers or text, never pickled), read whole: they are small."""
    path = _labels_path(inputs, labels_file)
    info = files.check_regular_file(path)
    with open(path, "rb") as handle:
        header = _read_header(handle, path, "the labels")
    _check_dtype(header, path, "the labels", allow_text=True)
    _check_shape(header.shape, path, "the labels", max_ndim=2)
    if info.st_size - header.data_offset < header.data_bytes:
        raise LoadError(path, f"is truncated: header promises {header.data_bytes} bytes, file has "
                        f"{max(info.st_size - header.data_offset, 0)}", hint="Copy or save the file again")
    check_budget(f"Loading the labels {path.name}", header.data_bytes, budget_bytes)
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise LoadError(path, f"could not be read as a NumPy array ({error})", hint="Save it again with numpy.save") from None


def _labels_path(inputs: Path, labels_file: str) -> Path:
    """The labels file; a relative name is beside the inputs."""
    path = Path(labels_file)
    return path if path.is_absolute() else inputs.parent / path


def _check_shape(shape: tuple[int, ...], path: Path, what: str, max_ndim: int | None) -> None:
    """Refuse 0-D, empty and (for labels) too-many-dimension arrays from the header alone.

    Inputs with more than 3 dimensions pass here: :func:`_to_3d` squeezes or merges axes, or
    refuses with the fixes for that shape."""
    if len(shape) == 0:
        raise LoadError(path, f"{what} holds a single number (shape ()), not a sequence",
                        hint="Save an array of shape (samples, timesteps, features)")
    if 0 in shape:
        raise LoadError(path, f"{what} is empty (shape {shape})", hint="Save an array with at least one sample and one step")
    if max_ndim is not None and len(shape) > max_ndim:
        raise LoadError(path, f"{what} has {len(shape)} dimensions (shape {shape}), too many for labels",
                        hint="Save labels with shape (N,), (N, k) or (N, timesteps)")


# ---- .npz ------------------------------------------------------------------------------------
def _load_npz(path: Path, options: LoadOptions, budget_bytes: int, guesses: list[Guess]):
    """Pick the X and y members and read them, checking sizes before decompressing."""
    try:
        archive = zipfile.ZipFile(path)
    except Exception as error:  # noqa: BLE001 - zipfile raises many kinds of errors on hostile archives
        raise LoadError(path, f"is not a valid .npz archive ({error})", hint="Save it with numpy.savez") from None
    with archive:
        arrays = [info for info in archive.infolist() if info.filename.endswith(".npy")]
        members = {info.filename[:-4]: info for info in arrays}
        if len(members) != len(arrays):
            seen: set[str] = set()
            twice = next(info.filename for info in arrays if info.filename in seen or seen.add(info.filename))
            raise LoadError(path, f"holds two arrays named '{twice[:-4]}' ({twice} appears twice in the archive), so which "
                            "one is meant is unclear", hint="Save the archive again with numpy.savez, one name per array")
        if not members:
            raise LoadError(path, "holds no arrays (no .npy members in the archive)", hint="Save it with numpy.savez(path, X=x, y=y)")
        present = ", ".join(sorted(members))
        x_key = _pick_key(path, members, options.x_key, X_KEYS, "x_key", "inputs (X)", guesses, required=True)
        y_key = _pick_key(path, members, options.y_key, Y_KEYS, "y_key", "labels (y)", guesses, required=False,
                          exclude=x_key)
        assert x_key is not None, present
        chosen = [members[x_key]] + ([members[y_key]] if y_key else [])
        declared = sum(info.file_size for info in chosen)
        check_budget(f"Unpacking {', '.join(i.filename for i in chosen)} from {path.name}", declared, budget_bytes)
        x = _read_member(archive, members[x_key], path, budget_bytes, allow_text=False, max_ndim=None)
        y = _read_member(archive, members[y_key], path, budget_bytes - x.nbytes, allow_text=True, max_ndim=2) if y_key else None
    return x, y, x_key, y_key


def _pick_key(path, members, chosen, candidates, option, role, guesses, required, exclude=None) -> str | None:
    present = ", ".join(sorted(members))
    if chosen is not None:
        if chosen not in members:
            raise LoadError(path, f"has no array named '{chosen}' (it holds: {present})", hint=f"Set {option} to one of them")
        return chosen
    for key in candidates:
        if key in members and key != exclude:
            guesses.append(Guess(option.replace("_", " "), key, f"the archive has an array named '{key}'", option))
            return key
    others = [key for key in members if key != exclude]
    if required and len(members) == 1:
        key = next(iter(members))
        guesses.append(Guess(option.replace("_", " "), key, "it is the only array in the archive", option))
        return key
    if required:
        raise LoadError(path, f"has no array for the {role}: it holds {present}",
                        hint=f"Name them X and y (numpy.savez(path, X=x, y=y)) or set x_key/y_key, e.g. x_key='{others[0]}'")
    return None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, budget_bytes: int, allow_text: bool,
                 max_ndim: int | None) -> np.ndarray:
    """Read one ``.npy`` member into a fresh array of exactly the size its header declares."""
    what = f"array '{info.filename[:-4]}'"
    try:
        handle = archive.open(info)
    except Exception as error:  # noqa: BLE001 - unsupported compression, encryption, bad headers...
        raise LoadError(path, f"{what} cannot be opened ({error})", hint="Save the archive again with numpy.savez") from None
    with handle:
        header = _read_header(handle, path, what)
        _check_dtype(header, path, what, allow_text=allow_text)
        _check_shape(header.shape, path, what, max_ndim)
        available = info.file_size - header.data_offset
        if available != header.data_bytes:
            raise LoadError(path, f"{what} is damaged: header promises {header.data_bytes} bytes, the archive entry holds "
                            f"{max(available, 0)}", hint="Save the archive again with numpy.savez")
        check_budget(f"Unpacking {what} from {path.name}", header.data_bytes, budget_bytes)
        flat = np.empty(math.prod(header.shape), dtype=header.dtype)
        buffer = memoryview(flat).cast("B")
        filled = 0
        try:
            while filled < len(buffer):
                count = handle.readinto(buffer[filled:])
                if not count:
                    break
                filled += count
        except Exception as error:  # noqa: BLE001 - CRC errors, zlib errors, cut archives...
            raise LoadError(path, f"{what} is damaged and cannot be unpacked ({error})",
                            hint="Save the archive again with numpy.savez") from None
        if filled < len(buffer):
            raise LoadError(path, f"{what} is truncated: header promises {header.data_bytes} bytes, the archive holds {filled}")
    if header.fortran_order:
        return flat.reshape(header.shape[::-1]).transpose()
    return flat.reshape(header.shape)


# ---- arrays → dataset ------------------------------------------------------------------------
def _to_dataset(path, kind, x, y, options, budget_bytes, guesses, warnings, progress, cancelled) -> SequenceDataset:
    if x.dtype == np.bool_:
        check_budget(f"Converting {path.name} from bool to float32", x.size * 4, budget_bytes)
        x = x.astype(np.float32)
        warnings.append("X held True/False values; they were converted to 1.0/0.0 (float32)")
    x = _to_3d(path, x, options, guesses)
    _check_range(path, x, "X")
    layout = None
    dataset_kind = "sequences"
    if x.ndim == 1:
        guesses.append(Guess("layout", "series", f"X is 1-D ({x.shape[0]} values), so it is one univariate series", "layout"))
        dense = None
        series = x.reshape(-1, 1)
        layout, dataset_kind = "series", "series"
    elif x.ndim == 2:
        layout = _choose_2d_layout(path, x, y, options, guesses)
        if layout == "series":
            series, dense, dataset_kind = x, None, "series"
        else:
            dense, series = x.reshape(x.shape[0], x.shape[1], 1), None
    else:
        dense, series = _orient_3d(path, x, options, budget_bytes, guesses, warnings), None

    _warn_non_finite(x, "X", warnings, progress, cancelled, path)
    if dataset_kind == "series" and y is not None:
        raise LoadError(path, f"X was read as one long series of {series.shape[0]} steps, so the {y.shape[0]} labels in y "
                        "cannot be matched to samples", hint="Pass layout='wide' to read each row as one sample, or drop y")
    n_samples = dense.shape[0] if dense is not None else 1
    steps = dense.shape[1] if dense is not None else series.shape[0]
    labels = None
    if y is not None:
        labels = _labels_for(path, y, n_samples, steps, options.y_key or "y", guesses, warnings)

    source = SourceInfo(str(path), kind, replace(options, layout=layout).to_dict(), tuple(guesses), tuple(warnings))
    if dense is not None:
        return SequenceDataset.from_dense(dense, source, labels=labels).validate()
    lengths = np.array([series.shape[0]], dtype=np.int64)
    names = tuple(f"feature_{i}" for i in range(series.shape[1]))
    return SequenceDataset(series, lengths, names, source, None, "series").validate()


MERGES = {  # merge_axes value → (the two axes of a 4-D array merged, what the merged axis becomes)
    "samples": (0, "samples"),
    "timesteps": (1, "timesteps"),
    "features": (2, "features"),
}


def _to_3d(path: Path, x: np.ndarray, options: LoadOptions, guesses: list[Guess]) -> np.ndarray:
    """Bring arrays of more than 3 dimensions to 3: squeeze size-1 axes, or merge two axes when
    ``options.merge_axes`` says which; otherwise refuse with the fixes, as code for this shape."""
    merge = getattr(options, "merge_axes", None)
    if merge is not None and merge not in MERGES:
        raise LoadError(path, f"merge_axes '{merge}' is not one of {', '.join(MERGES)}")
    if x.ndim <= 3:
        if merge is not None:
            raise LoadError(path, f"merge_axes='{merge}' applies to 4-D arrays, but X has shape {x.shape}",
                            hint="Leave merge_axes unset for arrays of 3 dimensions or fewer")
        return x
    shape = x.shape
    squeezable = [axis for axis in range(1, x.ndim) if shape[axis] == 1] or ([0] if shape[0] == 1 else [])
    if x.ndim - len(squeezable) <= 3 and squeezable:
        drop = tuple(squeezable[: x.ndim - 3])
        squeezed = x.squeeze(axis=drop)
        code = f"x.squeeze(axis={drop[0] if len(drop) == 1 else drop})"
        guesses.append(Guess("squeeze", list(drop), f"X has shape {shape}; axis {', '.join(map(str, drop))} has size 1, so "
                             f"it was dropped ({code} → {squeezed.shape})", None))
        return squeezed
    if x.ndim == 4:
        n, a, b, c = shape
        results = {"samples": (n * a, b, c), "timesteps": (n, a * b, c), "features": (n, a, b * c)}
        if merge is not None:
            merged = x.reshape(results[merge])  # a view for C-order arrays (memory maps stay on disk)
            axis = MERGES[merge][0]
            guesses.append(Guess("merge axes", merge, f"X has shape {shape}; axes {axis} and {axis + 1} were merged into "
                                 f"{merge} → {results[merge]}", "merge_axes"))
            return merged
        codes = {"samples": f"x.reshape(-1, {b}, {c})", "timesteps": f"x.reshape({n}, -1, {c})",
                 "features": f"x.reshape({n}, {a}, -1)"}
        offers = "; ".join(f"merge_axes='{key}' gives {results[key]} ({codes[key]})" for key in ("features", "samples", "timesteps"))
        raise LoadError(path, f"X has 4 dimensions (shape {shape}) and an LSTM takes 3 (samples, timesteps, features), so "
                        "two axes must become one", hint=f"Choose how: {offers}")
    raise LoadError(path, f"X has {x.ndim} dimensions (shape {shape}) and an LSTM takes 3 (samples, timesteps, features)",
                    hint=f"Reshape it to 3-D first, e.g. x.reshape({shape[0]}, {shape[1]}, -1) if the later axes are features")


def _check_range(path: Path, x: np.ndarray, name: str) -> None:
    """Values beyond float32 are refused where they are, as in every other format."""
    shape = x.shape

    def locate(i: int) -> str:
        return f"{name}[{', '.join(str(int(v)) for v in np.unravel_index(i, shape))}]"

    check_float32_range(x if x.flags.c_contiguous else np.ascontiguousarray(x), path, locate)


def _choose_2d_layout(path: Path, x: np.ndarray, y, options: LoadOptions, guesses: list[Guess]) -> str:
    """Decide between ``(samples, timesteps)`` ("wide") and one ``(timesteps, features)`` series."""
    rows, columns = x.shape
    if options.layout in ("wide", "series"):
        return options.layout
    if options.layout is not None:
        raise LoadError(path, f"layout '{options.layout}' does not apply to a 2-D array",
                        hint="Use layout='wide' (rows are samples) or layout='series' (rows are time steps)")
    if y is not None and y.shape[0] == rows:
        why = f"y has one label per row ({rows}), so each row is a sample of {columns} steps"
        guesses.append(Guess("layout", "wide", why, "layout"))
        return "wide"
    if columns == 1:
        guesses.append(Guess("layout", "series", f"X has a single column of {rows} values, so it is one series", "layout"))
        return "series"
    if columns <= SERIES_MAX_COLUMNS and rows >= SERIES_ROWS_PER_COLUMN * columns:
        row_change, column_change = _smoothness(x)
        if not (row_change > column_change):
            why = (f"X has many more rows ({rows}) than columns ({columns}) and its values change more smoothly down the "
                   "rows than across them, so rows look like time steps of one series")
            guesses.append(Guess("layout", "series", why, "layout"))
            return "series"
        why = (f"X has {rows} rows and {columns} columns, but values change more smoothly across a row than down the "
               "columns, so each row looks like one sample over time")
        guesses.append(Guess("layout", "wide", why, "layout"))
        return "wide"
    why = f"X has {rows} rows and {columns} columns, so each row is read as one sample of {columns} time steps"
    guesses.append(Guess("layout", "wide", why, "layout"))
    return "wide"


def _smoothness(x: np.ndarray) -> tuple[float, float]:
    """Mean absolute change between neighbouring rows and between neighbouring columns.

    Computed on at most 4096 rows, in float64 and scaled per column so features on large
    scales do not dominate. Returns NaN for either when it cannot be measured.
    """
    sample = np.asarray(x[:4096], dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        finite = np.where(np.isfinite(sample), sample, np.nan)
        if not np.isfinite(finite).any():
            return math.nan, math.nan
        row_change = np.nanmean(np.abs(np.diff(finite, axis=0))) if finite.shape[0] > 1 else math.nan
        column_change = np.nanmean(np.abs(np.diff(finite, axis=1))) if finite.shape[1] > 1 else math.nan
    return float(row_change), float(column_change)


def _orient_3d(path: Path, x: np.ndarray, options: LoadOptions, budget_bytes: int, guesses: list[Guess], warnings: list[str]):
    """Return ``(N, T, F)``: transpose when ``channels_first`` is True, warn when it looks like it."""
    n, middle, last = x.shape
    if options.channels_first:
        check_budget(f"Transposing {path.name} from (N, F, T) to (N, T, F)", x.nbytes, budget_bytes)
        guesses.append(Guess("channels first", True, "channels_first=True was given, so (N, F, T) was transposed", "channels_first"))
        return np.ascontiguousarray(x.transpose(0, 2, 1))
    looks_channels_first = middle <= CHANNELS_FIRST_MAX_F and last >= 4 * middle
    if options.channels_first is None and looks_channels_first:
        why = (f"the middle axis ({middle}) is small and much shorter than the last ({last}), as features are; "
               "not transposed because short sequences of many features look the same")
        guesses.append(Guess("channels first", False, why, "channels_first"))
        warnings.append(f"X of shape ({n}, {middle}, {last}) looks channels-first (N, F, T) — pass channels_first=True to "
                        f"transpose it to ({n}, {last}, {middle})")
    return x if x.flags.c_contiguous else _contiguous(path, x, budget_bytes)


def _contiguous(path: Path, x: np.ndarray, budget_bytes: int) -> np.ndarray:
    check_budget(f"Copying {path.name} into row-major order", x.nbytes, budget_bytes)
    return np.ascontiguousarray(x)


def _warn_non_finite(x: np.ndarray, name: str, warnings: list[str], progress, cancelled, path: Path) -> None:
    """Count NaN and infinite values block by block (memory-mapped arrays stay cheap)."""
    if x.dtype.kind != "f":
        return
    flat = x.reshape(-1) if x.flags.c_contiguous else x.ravel(order="K")
    nan_count = inf_count = 0
    total = flat.shape[0]
    for start in range(0, total, _SCAN_CHUNK):
        block = flat[start : start + _SCAN_CHUNK]
        nan_count += int(np.count_nonzero(np.isnan(block)))
        inf_count += int(np.count_nonzero(np.isinf(block)))
        if total > _SCAN_CHUNK:
            files.check_cancelled(path, cancelled)
            files.report_progress(progress, 0.5 + 0.4 * min(1.0, (start + _SCAN_CHUNK) / total))
    parts = [f"{nan_count} NaN" if nan_count else "", f"{inf_count} infinite" if inf_count else ""]
    if nan_count or inf_count:
        warnings.append(f"{name} contains {' and '.join(p for p in parts if p)} value{'s' if nan_count + inf_count > 1 else ''}; "
                        "these reach the model unchanged and make the loss NaN — fill or drop them before training")


# ---- labels ----------------------------------------------------------------------------------
def _labels_for(path: Path, y: np.ndarray, n_samples: int, steps: int, name: str, guesses, warnings) -> Labels:
    if y.dtype == np.bool_:
        y = y.astype(np.int64)
    if y.shape[0] != n_samples:
        raise LoadError(path, f"X has {n_samples} samples but y has {y.shape[0]} labels",
                        hint="Give one label per sample (y of shape (N,)) or pick other arrays with x_key/y_key")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim == 1:
        return encode_labels(y, name, path, lambda i: f"label index {i}", container="array")
    if y.ndim == 2 and y.shape[1] == steps and steps > 1:
        guesses.append(Guess("labels", "sequence", f"y has shape {y.shape}: one label per time step", "y_key"))
        flat = encode_labels(y.reshape(-1), name, path, lambda i: f"label index {divmod(i, steps)}", container="array")
        kind = "sequence"
        return Labels(flat.values, kind, flat.classes, name)
    if y.ndim == 2 and y.dtype.kind in "iuf":
        values = y.astype(np.float32)
        if not np.isfinite(values).all():
            warnings.append(f"y contains {int(np.count_nonzero(~np.isfinite(values)))} NaN or infinite targets")
        return Labels(values, "regression", None, name)
    raise LoadError(path, f"y has shape {y.shape}, which is not one label per sample",
                    hint="Save y with shape (N,) for classes or (N, k) for k regression targets")
