"""Several served versions of one resource (a CRD with ``conversion.strategy: None``).

Objects are stored in one version, the CRD's storage version. A request in another served
version is turned into the same request in the storage version (objects and merge patches
get the storage apiVersion), and what it answers is turned back (objects, list items, watch
events get the requested apiVersion): with the ``None`` strategy nothing but the apiVersion
changes, as in Kubernetes. Defaults and validation are the storage version's schema's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from kube_actors.api import (
    Create,
    Delete,
    DeleteCollection,
    Get,
    List,
    ObjectList,
    Patch,
    Update,
    UpdateStatus,
    Watch,
    kind_info,
)
from kube_actors.api._custom_kind import as_version

from ._watch import ApiWatchStream

__all__ = ["in_storage_version", "in_version"]

_BY_KIND = (Get, List, Watch, Delete, DeleteCollection)
_BY_OBJECT = (Create, Update, UpdateStatus)


def _stored_as(cls: type[Any]) -> type[Any] | None:
    try:
        return kind_info(cls).stored_as
    except KeyError:
        return None  # the apiserver answers for a kind that is not registered


def in_storage_version(message: Any) -> tuple[Any, type[Any] | None]:
    """``message`` in the storage version, and the version it asked in (None: it was)."""
    if isinstance(message, _BY_KIND):
        stored = _stored_as(message.kind)
        if stored is None:
            return message, None
        return attrs.evolve(message, kind=stored), message.kind
    if isinstance(message, _BY_OBJECT):
        asked = type(message.obj)
        stored = _stored_as(asked)
        if stored is None:
            return message, None
        return attrs.evolve(message, obj=as_version(message.obj, stored)), asked
    if isinstance(message, Patch):
        stored = _stored_as(message.kind)
        if stored is None:
            return message, None
        patch = message.patch
        if isinstance(patch, Mapping) and "apiVersion" in patch:
            patch = {**patch, "apiVersion": stored.api_version}
        return attrs.evolve(message, kind=stored, patch=patch), message.kind
    return message, None


def in_version(result: Any, cls: type[Any]) -> Any:
    """What the apiserver answered, in the version the request asked in."""
    if isinstance(result, ObjectList):
        return attrs.evolve(result, items=tuple(as_version(o, cls) for o in result.items))
    if isinstance(result, ApiWatchStream):
        result.view = lambda obj: as_version(obj, cls)
        return result
    if result is None or not attrs.has(type(result)) or not hasattr(result, "metadata"):
        return result
    return as_version(result, cls)
