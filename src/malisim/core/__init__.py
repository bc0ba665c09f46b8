"""The core layer: what every other layer uses and that knows nothing of the model.

The calendar (:mod:`~malisim.core.calendar`), the named random streams (:mod:`~malisim.core.rng`),
user errors (:mod:`~malisim.core.errors`) and their file:line locations
(:mod:`~malisim.core.locate`), safe YAML with line numbers (:mod:`~malisim.core.yamlio`),
interrupt handling (:mod:`~malisim.core.interrupts`), number formatting and HTML escaping
(:mod:`~malisim.core.formatting`), the bibliography (:mod:`~malisim.core.sources`), lazy package
faces (:mod:`~malisim.core.lazy`), the package version (:mod:`~malisim.core.version`) and the
example files ``malisim init`` copies into a project folder (:mod:`~malisim.core.examples`).
"""
