"""The parameters in force during a run: the schema's fields, settable while the model runs.

A scenario's :class:`~malisim.model.parameters.Parameters` are frozen. A running model keeps
them (``MaliModel.base_parameters``, what ``base_param`` reads) and steps with a
:class:`RunParameters` copy that policies change through the ``set_param`` hook. It is the same
typed schema, so every field is known to the type checker, and it stays strict: assigning an
unknown name or a value out of bounds raises :class:`pydantic.ValidationError`, reading an
unknown name raises :class:`AttributeError`. Reading a field costs an ordinary attribute
look-up (the rules read parameters in every phase).
"""

from __future__ import annotations

from pydantic import ConfigDict

from malisim.model.parameters import Parameters


class RunParameters(Parameters):
    """The parameters of a running model (validated on assignment, unknown names rejected)."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=True)

    @classmethod
    def from_parameters(cls, parameters: Parameters) -> RunParameters:
        """A settable copy of a scenario's parameters."""
        return cls.model_validate(parameters.model_dump())
