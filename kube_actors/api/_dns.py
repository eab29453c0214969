"""Service names as the cluster's DNS spells them: ``name``, ``name.namespace``,
``name.namespace.svc`` and ``name.namespace.svc.cluster.local``."""

from __future__ import annotations

from typing import Final

__all__ = ["CLUSTER_DOMAIN", "split_service_name"]

#: The cluster's DNS domain, Kubernetes' default.
CLUSTER_DOMAIN: Final = "cluster.local"


def split_service_name(name: str) -> tuple[str, str]:
    """(namespace, name) of ``name``, ``name.namespace`` or ``name.namespace.svc[.domain]``."""
    parts = name.rstrip(".").split(".")
    suffix = parts[2:]
    if suffix and suffix not in (["svc"], ["svc", *CLUSTER_DOMAIN.split(".")]):
        raise ValueError(f"{name!r} is not a Service name: use name.namespace[.svc.cluster.local]")
    if len(parts) == 1:
        return "default", parts[0]
    return parts[1], parts[0]
