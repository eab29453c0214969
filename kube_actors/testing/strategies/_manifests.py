"""Manifests: the objects of any strategy as Kubernetes' YAML or its dicts, which
``Cluster.apply`` and ``kube_actors.api.load_manifests`` take."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from kube_actors.api import dump_manifests, to_dict

from ._core import namespaces, services
from ._workloads import daemon_sets, deployments, jobs, stateful_sets

__all__ = ["any_workload", "manifest_dicts", "manifest_texts"]


def any_workload() -> st.SearchStrategy[Any]:
    """One object of any kind a user commonly applies (a workload or a Service)."""
    return st.one_of(deployments(), stateful_sets(), daemon_sets(), jobs(), services())


def manifest_dicts(
    objects: st.SearchStrategy[Any] | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """One object as a manifest dict (camelCase, ``apiVersion`` and ``kind``)."""
    # "is None": a strategy is always truthy, and hypothesis warns when asked whether it is.
    return (objects if objects is not None else any_workload()).map(to_dict)


def manifest_texts(
    objects: st.SearchStrategy[Any] | None = None, max_size: int = 3
) -> st.SearchStrategy[str]:
    """A YAML document stream of distinct objects (by kind and name), as in a file."""
    return st.lists(
        objects or st.one_of(any_workload(), namespaces()),
        min_size=1,
        max_size=max_size,
        unique_by=lambda o: (o.kind, o.metadata.name),
    ).map(dump_manifests)
