"""The ``scale`` subresource over any kind that has one (``KindInfo.scale``).

A Scale (``autoscaling/v1``) shows an object's wanted replicas, its current replicas and the
selector of its Pods; writing one sets the wanted replicas. Where those live is the kind's
``ScaleSubresource``: ``.spec.replicas`` and a LabelSelector at ``.spec.selector`` for
Deployments, ReplicaSets and StatefulSets, the paths a CustomResourceDefinition names for a
custom kind. ``kubectl scale``, the HTTP ``/scale`` subresource and the HPA read and write
through these helpers, so a custom kind scales like a built-in one.

Paths are the simple JSONPaths CRDs allow (``.spec.replicas``): dot-separated field names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kube_actors.errors import NotFound

from ._converter import to_dict
from ._meta import LabelSelector
from ._registry import KindInfo, ScaleSubresource, kind_info
from ._selectors import compile_selector

__all__ = [
    "replicas_patch",
    "scale_of",
    "scale_replicas",
    "scale_selector",
    "scale_subresource",
    "with_spec_replicas",
]


def _keys(path: str) -> list[str]:
    return [key for key in path.split(".") if key]


def _value_at(document: Any, path: str) -> Any:
    for key in _keys(path):
        if not isinstance(document, Mapping) or key not in document:
            return None
        document = document[key]
    return document


def scale_subresource(info: KindInfo) -> ScaleSubresource:
    """The kind's scale subresource, or NotFound as the apiserver answers for ``/scale``."""
    if info.scale is None:
        raise NotFound("the server could not find the requested resource", kind=info.kind)
    return info.scale


def scale_replicas(obj: Any) -> tuple[int, int]:
    """``(wanted, current)`` replicas of ``obj``: its spec and status replica paths (an
    absent value counts as 0, as Kubernetes reads it)."""
    scale = scale_subresource(kind_info(obj))
    document = to_dict(obj)
    wanted = _value_at(document, scale.spec_replicas_path)
    current = _value_at(document, scale.status_replicas_path)
    return (
        wanted if isinstance(wanted, int) else 0,
        current if isinstance(current, int) else 0,
    )


def scale_selector(obj: Any) -> str:
    """The selector of the Pods ``obj`` scales, as a string ("" when it has none)."""
    scale = scale_subresource(kind_info(obj))
    if not scale.label_selector_path:
        return ""
    value = _value_at(to_dict(obj), scale.label_selector_path)
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        selector = getattr(obj.spec, "selector", None)
        if isinstance(selector, LabelSelector):
            return str(compile_selector(selector))
    return ""


def scale_of(obj: Any) -> dict[str, Any]:
    """The ``autoscaling/v1`` Scale of ``obj``, as the ``/scale`` subresource answers it."""
    meta = to_dict(obj)["metadata"]
    wanted, current = scale_replicas(obj)
    status: dict[str, Any] = {"replicas": current}
    selector = scale_selector(obj)
    if selector:
        status["selector"] = selector
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            key: meta[key]
            for key in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if key in meta
        },
        "spec": {"replicas": wanted},
        "status": status,
    }


def replicas_patch(info: KindInfo, replicas: int) -> dict[str, Any]:
    """The JSON merge patch that sets the wanted replicas of an object of ``info``'s kind."""
    patch: dict[str, Any] = {}
    with_spec_replicas(patch, info, replicas)
    return patch


def with_spec_replicas(document: dict[str, Any], info: KindInfo, replicas: int) -> None:
    """Set the wanted replicas in a manifest of ``info``'s kind, in place."""
    keys = _keys(scale_subresource(info).spec_replicas_path)
    inner = document
    for key in keys[:-1]:
        inner = inner.setdefault(key, {})
    inner[keys[-1]] = replicas
