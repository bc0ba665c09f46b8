"""Named random streams: one numpy generator per stochastic process, derived from one seed.

Every random draw in malisim goes through a :class:`RandomStreams` object owned by the model.
Each stream is keyed by a stable name (``"victimisation"``, ``"movement"``, ``"combat"`` …; see
:data:`STREAM_NAMES`), not by the order in which streams are created, so adding or removing a
process never shifts the draws of the others, and two scenarios that share a seed share the
draws of every process they both use (common random numbers).
"""

from __future__ import annotations

import zlib

import numpy as np

#: The streams the model uses; listed so that documentation and tests can enumerate them.
STREAM_NAMES: tuple[str, ...] = (
    "setup",
    "victimisation",
    "movement",
    "combat",
    "violence",
    "remote",
    "militia",
    "attribution",
    "mesa",
)


def stream_key(name: str) -> int:
    """Return the stable integer spawn key of a stream name (CRC-32 of its UTF-8 bytes)."""
    return zlib.crc32(name.encode("utf-8"))


class RandomStreams:
    """A family of independent numpy generators derived from one seed.

    Args:
        seed: The run's root seed (a non-negative integer) or a ``numpy.random.SeedSequence``.

    Example:
        >>> streams = RandomStreams(42)
        >>> a = streams["combat"].random()
        >>> RandomStreams(42)["combat"].random() == a
        True
    """

    def __init__(self, seed: int | np.random.SeedSequence) -> None:
        if isinstance(seed, np.random.SeedSequence):
            self.seed_sequence = seed
        else:
            if int(seed) < 0:
                raise ValueError(f"seed must be a non-negative integer, got {seed}")
            self.seed_sequence = np.random.SeedSequence(int(seed))
        self._generators: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        """Return the generator of the named stream, creating it on first use."""
        gen = self._generators.get(name)
        if gen is None:
            child = np.random.SeedSequence(
                entropy=self.seed_sequence.entropy,
                spawn_key=(*self.seed_sequence.spawn_key, stream_key(name)),
            )
            gen = np.random.Generator(np.random.PCG64(child))
            self._generators[name] = gen
        return gen

    def python_seed(self) -> int:
        """Return an integer seed for Mesa's own ``random.Random`` (derived, not shared)."""
        return int(self["mesa"].integers(0, 2**63 - 1))


def replicate_seed(root: int, *key: int) -> int:
    """Return the seed of a run keyed by stable ids (e.g. design point, replicate index).

    The seed depends only on ``root`` and ``key``, never on run order, so adding scenarios or
    replicates leaves the seeds of existing runs unchanged.

    Args:
        root: The experiment's root seed.
        *key: Stable integer ids of the run.

    Returns:
        A non-negative 63-bit integer seed.
    """
    state = np.random.SeedSequence(int(root), spawn_key=tuple(int(k) for k in key))
    return int(state.generate_state(1, np.uint64)[0] >> np.uint64(1))
