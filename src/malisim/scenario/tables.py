"""A run's columns as Arrow tables and Parquet files, the same as pandas makes them, without pandas.

The model gives its monthly series and its event log as numpy columns
(:meth:`MaliModel.series_columns`, :meth:`MaliModel.events_columns`). :func:`arrow_table` makes
the Arrow table ``pyarrow.Table.from_pandas(pandas.DataFrame(columns), preserve_index=False)``
would make (text as large strings, NaN and None as nulls, ``datetime64[ms]`` as
``timestamp[ms]``), from the columns' buffers (``pyarrow.array`` imports pandas), and
:func:`write_columns` writes the Parquet file :func:`malisim.scenario.runner.write_parquet`
writes of that DataFrame, its ``pandas`` schema metadata included, byte for byte: importing
pandas costs about 0.2 s of every ``malisim run``.

The tables are pandas' only where this module knows pandas' conversions: pandas 3 (whose text
columns are ``str`` and become large strings; the metadata is in its format).
:func:`pandas_free` says whether that holds for the installed pandas; where it does not, callers
build the DataFrame and convert it as before. ``tests/test_run_tables.py`` checks the tables and
the files against pandas' own.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

#: Major version of pandas whose conversions this module reproduces.
PANDAS_MAJOR = 3


@functools.lru_cache(maxsize=1)
def pandas_version() -> str | None:
    """The installed pandas' version, read from its metadata (pandas is not imported)."""
    import importlib.metadata

    try:
        return importlib.metadata.version("pandas")
    except importlib.metadata.PackageNotFoundError:
        return None


def pandas_free() -> bool:
    """Whether :func:`arrow_table` and :func:`write_columns` give what pandas would give."""
    version = pandas_version()
    return version is not None and version.split(".")[0] == str(PANDAS_MAJOR)


def _validity(valid: np.ndarray) -> tuple[pa.Buffer | None, int]:
    """Arrow's validity bitmap of a boolean mask (None when nothing is null) and the null count."""
    import pyarrow as pa

    nulls = int(valid.size - np.count_nonzero(valid))
    if not nulls:
        return None, 0
    return pa.py_buffer(np.packbits(valid, bitorder="little")), nulls


def _large_strings(values: np.ndarray) -> pa.Array:
    """A large-string array of an object array of ``str`` (None and NaN: null)."""
    import pyarrow as pa

    n = values.size
    cells = values.tolist()
    valid = np.fromiter((isinstance(v, str) for v in cells), dtype=bool, count=n)
    if not valid.all():
        bad = [v for v in values[~valid] if not (v is None or (isinstance(v, float) and v != v))]
        if bad:
            raise TypeError(f"text column holds a {type(bad[0]).__name__}")
    encoded: dict[str, bytes] = {}  # most columns repeat a few names
    parts = [
        (encoded.get(v) or encoded.setdefault(v, v.encode("utf-8"))) if ok else b""
        for v, ok in zip(cells, valid.tolist(), strict=True)
    ]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=n), out=offsets[1:])
    bitmap, nulls = _validity(valid)
    buffers = [bitmap, pa.py_buffer(offsets), pa.py_buffer(b"".join(parts))]
    return pa.Array.from_buffers(pa.large_string(), n, buffers, null_count=nulls)


def _arrow_array(values: np.ndarray) -> pa.Array:
    """The Arrow array pandas' conversion makes of a numpy column.

    Built from the column's buffers: ``pyarrow.array`` itself imports pandas when it is
    installed. Text (object arrays) becomes large strings; NaN (floats) and NaT (datetimes)
    become nulls, as in pandas' conversion.
    """
    import pyarrow as pa

    n = values.size
    if values.dtype == object:
        return _large_strings(values)
    if values.dtype == bool:
        data = pa.py_buffer(np.packbits(values, bitorder="little"))
        return pa.Array.from_buffers(pa.bool_(), n, [None, data], null_count=0)
    if values.dtype.kind == "M":
        unit, _ = np.datetime_data(values.dtype)
        bitmap, nulls = _validity(~np.isnat(values))
        data = pa.py_buffer(np.ascontiguousarray(values).view(np.int64))
        return pa.Array.from_buffers(pa.timestamp(unit), n, [bitmap, data], null_count=nulls)
    if values.dtype.kind in "iuf":
        valid = ~np.isnan(values) if values.dtype.kind == "f" else np.ones(n, dtype=bool)
        bitmap, nulls = _validity(valid)
        data = pa.py_buffer(np.ascontiguousarray(values))
        arrow_type = pa.from_numpy_dtype(values.dtype)
        return pa.Array.from_buffers(arrow_type, n, [bitmap, data], null_count=nulls)
    raise TypeError(f"no Arrow conversion for a column of {values.dtype}")


def arrow_table(columns: Mapping[str, np.ndarray]) -> pa.Table:
    """The Arrow table of a run's columns, without schema metadata.

    Args:
        columns: Column name -> numpy array (text columns as object arrays of ``str`` or None).

    Returns:
        What ``Table.from_pandas(DataFrame(columns), preserve_index=False)`` gives under pandas
        3, its ``pandas`` metadata removed.
    """
    import pyarrow as pa

    names = list(columns)
    return pa.Table.from_arrays([_arrow_array(np.asarray(columns[c])) for c in names], names=names)


def _pandas_types(arrow_type: pa.DataType) -> tuple[str, str]:
    """``(pandas_type, numpy_type)`` of pandas 3's metadata for a column of ``arrow_type``."""
    import pyarrow as pa

    if pa.types.is_large_string(arrow_type):
        return "object", "str"
    if pa.types.is_timestamp(arrow_type) and arrow_type.tz is None:
        return "datetime", f"datetime64[{arrow_type.unit}]"
    if pa.types.is_floating(arrow_type) or pa.types.is_integer(arrow_type):
        name = str(arrow_type.to_pandas_dtype().__name__)
        return name, name
    if pa.types.is_boolean(arrow_type):
        return "bool", "bool"
    raise TypeError(f"no pandas metadata known for Arrow type {arrow_type}")


def pandas_metadata(table: pa.Table) -> bytes:
    """The ``pandas`` schema metadata pandas 3 writes for a frame of ``table``'s columns.

    Args:
        table: The table of :func:`arrow_table`.

    Returns:
        The JSON bytes, as ``pyarrow.pandas_compat`` makes them (no index, no column index).
    """
    import pyarrow as pa

    columns = []
    for field in table.schema:
        pandas_type, numpy_type = _pandas_types(field.type)
        columns.append(
            {
                "name": field.name,
                "field_name": field.name,
                "pandas_type": pandas_type,
                "numpy_type": numpy_type,
                "metadata": None,
            }
        )
    document = {
        "index_columns": [],
        "column_indexes": [],
        "columns": columns,
        "attributes": {},
        "creator": {"library": "pyarrow", "version": pa.__version__},
        "pandas_version": pandas_version(),
    }
    return json.dumps(document).encode("utf-8")


def write_table(table: pa.Table, path: Path) -> None:
    """Write a table to Parquet deterministically (the options of ``write_parquet``)."""
    import pyarrow.parquet as pq

    pq.write_table(table, path, compression="zstd", write_statistics=False)


def write_columns(columns: Mapping[str, np.ndarray], path: Path) -> None:
    """Write a run's columns to Parquet as ``write_parquet`` writes their DataFrame.

    Only where :func:`pandas_free` holds (else the bytes may differ from pandas').

    Args:
        columns: Column name -> numpy array.
        path: The file to write.
    """
    table = arrow_table(columns)
    write_table(table.replace_schema_metadata({"pandas": pandas_metadata(table)}), path)
