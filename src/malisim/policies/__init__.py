"""Policies: dated interventions with a lifecycle, rebuilt from scenario files by a registry."""

from malisim.policies import library as _library  # noqa: F401  (registers the policies)
from malisim.policies import schedule as _schedule  # noqa: F401  (registers the policy)
from malisim.policies import truces as _truces  # noqa: F401  (registers the policy)
from malisim.policies.base import (
    POLICY_REGISTRY,
    Month,
    Policy,
    RunEnd,
    Trigger,
    policy_from_dict,
    policy_types,
    register_policy,
)

__all__ = [
    "POLICY_REGISTRY",
    "Month",
    "Policy",
    "RunEnd",
    "Trigger",
    "policy_from_dict",
    "policy_types",
    "register_policy",
]
