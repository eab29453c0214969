"""Adopting and releasing: how a controller takes an orphan and lets go of what it no longer
selects (Kubernetes' ``ControllerRefManager``).

Both are JSON patches guarded by a ``test`` of the object's uid, so they act on the very object
the controller looked at and never fight a concurrent status write over a resourceVersion.
"""

from __future__ import annotations

from typing import Any, TypeVar

from kube_actors.api import owner_reference, unstructure
from kube_actors.client import Client
from kube_actors.errors import NotFound

__all__ = ["adopt", "release"]

T = TypeVar("T")


async def adopt(client: Client, kind: type[T], obj: Any, owner: Any) -> T | None:
    """Make ``owner`` the controller of ``obj``; the object as patched (None: it is gone)."""
    reference = unstructure(owner_reference(owner))
    meta = obj.metadata
    if meta.owner_references:
        add = {"op": "add", "path": "/metadata/ownerReferences/-", "value": reference}
    else:
        add = {"op": "add", "path": "/metadata/ownerReferences", "value": [reference]}
    patch = [{"op": "test", "path": "/metadata/uid", "value": meta.uid}, add]
    try:
        return await client.patch(
            kind, meta.name, patch, namespace=meta.namespace, patch_type="json"
        )
    except NotFound:
        return None


async def release(client: Client, kind: type[T], obj: Any, owner: Any) -> T | None:
    """Remove ``owner``'s reference from ``obj``; the object as patched (None: it is gone)."""
    meta = obj.metadata
    uid = owner.metadata.uid
    position = next(i for i, ref in enumerate(meta.owner_references) if ref.uid == uid)
    path = f"/metadata/ownerReferences/{position}"
    patch = [
        {"op": "test", "path": "/metadata/uid", "value": meta.uid},
        {"op": "test", "path": f"{path}/uid", "value": uid},
        {"op": "remove", "path": path},
    ]
    try:
        return await client.patch(
            kind, meta.name, patch, namespace=meta.namespace, patch_type="json"
        )
    except NotFound:
        return None
