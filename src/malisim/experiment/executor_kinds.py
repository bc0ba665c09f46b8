"""The names of the executors, defined once (files, command-line options and the factory use it).

A module of its own, without imports of the batch machinery, so that the command line can offer
the choices without importing the model.
"""

from __future__ import annotations

import typing
from typing import Literal

#: Where runs execute: ``serial`` (in this process, in order), ``local`` (worker processes on
#: this machine), ``dask`` (a Dask cluster, or a local one started for the batch).
ExecutorKind = Literal["serial", "local", "dask"]
#: The executor names, in the order of :data:`ExecutorKind`.
EXECUTORS: tuple[str, ...] = typing.get_args(ExecutorKind)

#: Each executor's name, for code that picks or tests one (unpacked from :data:`ExecutorKind`).
SERIAL: ExecutorKind
LOCAL: ExecutorKind
DASK: ExecutorKind
SERIAL, LOCAL, DASK = EXECUTORS
#: The executor of a batch that names none (and no Dask scheduler).
DEFAULT_EXECUTOR: ExecutorKind = LOCAL
