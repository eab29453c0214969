"""REST paths: which resource, namespace, name and subresource a URL names.

Kubernetes' own rules (``RequestInfoFactory``): ``/api/v1/...`` is the core group,
``/apis/<group>/<version>/...`` the others; after the version, ``namespaces/<ns>/`` scopes
what follows, except that ``namespaces/<name>/status`` and ``/finalize`` are subresources of a
Namespace; then ``<resource>[/<name>[/<subresource>]]``.
"""

from __future__ import annotations

from typing import Final

import attrs

from kube_actors.api import KindInfo, lookup_resource
from kube_actors.errors import NotFound

__all__ = ["Target", "parse_target"]

_NAMESPACE_SUBRESOURCES: Final = frozenset({"status", "finalize"})


@attrs.frozen(kw_only=True)
class Target:
    """What a resource URL names; ``name`` is empty for a collection."""

    info: KindInfo
    namespace: str = ""
    name: str = ""
    subresource: str = ""


def _not_found() -> NotFound:
    return NotFound("the server could not find the requested resource")


def parse_target(group: str, version: str, tail: str) -> Target:
    """The target of ``/api/v1/<tail>`` or ``/apis/<group>/<version>/<tail>``; 404 if the
    group, version or resource is not served."""
    parts = [p for p in tail.split("/") if p]
    namespace = ""
    if len(parts) > 2 and parts[0] == "namespaces" and parts[2] not in _NAMESPACE_SUBRESOURCES:
        namespace, parts = parts[1], parts[2:]
    if not parts or len(parts) > 3:
        raise _not_found()
    info = lookup_resource(parts[0], group, version)
    if info is None:
        raise _not_found()
    if namespace and not info.namespaced:
        raise _not_found()
    name = parts[1] if len(parts) > 1 else ""
    subresource = parts[2] if len(parts) > 2 else ""
    return Target(info=info, namespace=namespace, name=name, subresource=subresource)
