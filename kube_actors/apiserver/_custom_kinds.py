"""Which kinds the stored CustomResourceDefinitions make served (issue #17, part).

The apiserver calls ``serve`` after a CRD is written and for every stored CRD when it starts
(so a durable store serves its custom kinds again after a restart), and ``stop_serving`` when
a CRD is gone. Objects of the kind are served like any registered kind from then on; a CRD
whose names another CRD holds is not Established (``_crd_status``) and serves nothing.

Kinds are registered process-wide, but a CRD belongs to one cluster's store: each apiserver
that serves a CRD's kind holds it, and ``release`` (the apiserver stopped) forgets the kinds
no running apiserver holds any more, so a cluster that ended leaves no kind behind in the
discovery of the next one (two test clusters, one after the other, in one process).
"""

from __future__ import annotations

from typing import Any

from kube_actors.api import CustomResourceDefinition, lookup_kind
from kube_actors.api._custom_kind import serve_custom_kind
from kube_actors.api._registry import KindInfo, forget_kind

__all__ = ["release", "serve", "stop_serving"]

#: (apiVersion, kind) of each kind a CRD serves -> the apiservers holding it.
_holders: dict[tuple[str, str], set[int]] = {}


def serve(crd: Any, holder: object) -> None:
    serve_custom_kind(crd)
    if not isinstance(crd, CustomResourceDefinition):
        return
    for key, info in _served_versions(crd):
        if info is not None and _from_a_crd(info):
            _holders.setdefault(key, set()).add(id(holder))


def stop_serving(crd: Any) -> None:
    if not isinstance(crd, CustomResourceDefinition):
        return
    for key, info in _served_versions(crd):
        _holders.pop(key, None)
        if info is not None and _from_a_crd(info):
            forget_kind(info.cls)


def release(holder: object) -> None:
    """``holder`` serves nothing any more: forget the kinds nobody else holds."""
    for key in [key for key, ids in _holders.items() if id(holder) in ids]:
        ids = _holders[key]
        ids.discard(id(holder))
        if ids:
            continue
        del _holders[key]
        info = lookup_kind(*key)
        if info is not None and _from_a_crd(info):
            forget_kind(info.cls)


def _served_versions(crd: Any) -> list[tuple[tuple[str, str], KindInfo | None]]:
    spec = crd.spec
    kind = spec["names"]["kind"]
    keys = [(f"{spec['group']}/{version['name']}", kind) for version in spec.get("versions", ())]
    return [(key, lookup_kind(*key)) for key in keys]


def _from_a_crd(info: KindInfo) -> bool:
    # A kind registered in Python with ``register_kind`` is the program's, never a CRD's.
    return hasattr(info.cls, "crd_definition")
