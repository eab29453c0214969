"""What a request asks to do, as the authorizer reads it: Kubernetes' ``RequestInfo``.

A path under ``/api/v1`` or ``/apis/<group>/<version>`` is a *resource request*:
``[namespaces/<ns>/]<resource>[/<name>[/<subresource>]]``, its verb from the method (GET on a
name is ``get``, on a collection ``list``, or ``watch`` with ``?watch=true``; POST ``create``;
PUT ``update``; PATCH ``patch``; DELETE ``delete``, on a collection ``deletecollection``).
``namespaces/<name>`` is the Namespace ``<name>``, and in it. A list or watch narrowed to one
name by ``fieldSelector=metadata.name=<name>`` is about that name. Any other path (``/version``,
``/healthz``, discovery of ``/apis``) is a *non-resource request*, its verb the method's name
in lower case.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

__all__ = ["RequestAttributes", "request_attributes"]

_NAMESPACE_SUBRESOURCES: Final = frozenset({"status", "finalize"})
_WRITE_VERBS: Final = {"POST": "create", "PUT": "update", "PATCH": "patch"}


@attrs.frozen(kw_only=True)
class RequestAttributes:
    """One request as the authorizer sees it; ``resource_request`` False for a plain path."""

    verb: str
    resource_request: bool = True
    api_group: str = ""
    api_version: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    path: str = ""

    @property
    def qualified_resource(self) -> str:
        """``pods``, ``deployments.apps``: how Kubernetes names the resource in errors."""
        return f"{self.resource}.{self.api_group}" if self.api_group else self.resource


def _name_from_field_selector(selector: str) -> str:
    """The name a selector requires exactly (``metadata.name=x`` or ``==x``), else ""."""
    for term in selector.split(","):
        if "!=" in term:
            continue
        key, _, value = term.partition("=")
        if key.strip() == "metadata.name":
            return value.removeprefix("=").strip()
    return ""


def request_attributes(method: str, path: str, query: Mapping[str, str]) -> RequestAttributes:
    """The attributes of a request by ``method`` on ``path`` with ``query``."""
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "api":
        group, version, rest = "", parts[1], parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        rest = []
    if not rest:
        return RequestAttributes(verb=method.lower(), resource_request=False, path=path)
    namespace = ""
    if rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in _NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else ""
    subresource = rest[2] if len(rest) > 2 else ""
    if method in ("GET", "HEAD"):
        watching = query.get("watch", "").lower() in ("true", "1")
        verb = "get" if name else ("watch" if watching else "list")
        if not name and (narrowed := _name_from_field_selector(query.get("fieldSelector", ""))):
            name = narrowed
    elif method == "DELETE":
        verb = "delete" if name else "deletecollection"
    else:
        verb = _WRITE_VERBS.get(method, method.lower())
    return RequestAttributes(
        verb=verb,
        api_group=group,
        api_version=version,
        namespace=namespace,
        resource=resource,
        subresource=subresource,
        name=name,
        path=path,
    )
