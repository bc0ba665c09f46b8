"""The core layer: what every other layer uses and that knows nothing of the model.

The calendar (:mod:`~malisim.core.calendar`), the named random streams (:mod:`~malisim.core.rng`),
user errors (:mod:`~malisim.core.errors`), safe YAML with line numbers
(:mod:`~malisim.core.yamlio`), interrupt handling (:mod:`~malisim.core.interrupts`) and the
package version (:mod:`~malisim.core.version`).
"""
