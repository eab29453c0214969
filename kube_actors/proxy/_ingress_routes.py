"""The ingress controller's routing table: which Service port a request's host and path reach.

Built from the Ingresses of the controller's class, as ingress controllers such as
ingress-nginx read them:

- a request's host (its ``Host`` header without the port) picks one group of rules: the rules
  naming that host, else those whose wildcard (``*.example.com``, one label deep) matches it,
  else the rules naming no host; the rules of every Ingress for a host are merged;
- within the group an ``Exact`` path equal to the request's path wins, then the longest
  ``Prefix`` (or ``ImplementationSpecific``, taken as a prefix) matching it element by
  element (``/foo`` matches ``/foo`` and ``/foo/bar``, not ``/foobar``);
- a request no rule takes goes to a ``defaultBackend`` (the oldest Ingress's that has one),
  else it is answered 404.

Among equal paths the oldest Ingress wins, so the table is the same for the same Ingresses.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import attrs

from kube_actors.api import (
    DEFAULT_INGRESS_CLASS_ANNOTATION,
    Ingress,
    IngressBackend,
    IngressClass,
)

__all__ = [
    "INGRESS_CLASS_ANNOTATION",
    "IngressRoutes",
    "Route",
    "Target",
    "build_routes",
    "class_of",
    "is_default",
]

#: The annotation that named an Ingress's class before ``spec.ingressClassName``.
INGRESS_CLASS_ANNOTATION: Final = "kubernetes.io/ingress.class"


@attrs.frozen(kw_only=True)
class Target:
    """A Service port a request goes to: by port number, or by the Service port's name."""

    namespace: str
    service: str
    port: int | str


@attrs.frozen(kw_only=True)
class Route:
    host: str
    path: str
    path_type: str
    target: Target


def _target(namespace: str, backend: IngressBackend) -> Target | None:
    service = backend.service
    if service is None:
        return None  # a resource backend: nothing this controller serves
    port: int | str = service.port.number or service.port.name
    return Target(namespace=namespace, service=service.name, port=port)


def _prefix_matches(prefix: str, path: str) -> bool:
    trimmed = prefix.rstrip("/")
    if not trimmed:
        return True  # "/" matches every path
    return path in (trimmed, prefix) or path.startswith(trimmed + "/")


def _wildcard_matches(pattern: str, host: str) -> bool:
    """``*.example.com`` matches ``a.example.com``: one label, no more, no less."""
    if not pattern.startswith("*."):
        return False
    return host.endswith(pattern[1:]) and host.count(".") == pattern.count(".")


@attrs.frozen(kw_only=True)
class IngressRoutes:
    """Every route by host ("" for rules without one), and the default backend."""

    routes: tuple[Route, ...] = ()
    default: Target | None = None

    def _group(self, host: str) -> list[Route]:
        exact = [r for r in self.routes if r.host == host]
        if exact:
            return exact
        wildcard = [r for r in self.routes if _wildcard_matches(r.host, host)]
        if wildcard:
            return wildcard
        return [r for r in self.routes if not r.host]

    def match(self, host: str, path: str) -> Target | None:
        """The target of a request for ``host`` (a port after ``:`` is ignored) and ``path``."""
        host = host.rpartition(":")[0] if ":" in host else host
        group = self._group(host.lower())
        for route in group:
            if route.path_type == "Exact" and route.path == path:
                return route.target
        prefixes = [
            r for r in group if r.path_type != "Exact" and _prefix_matches(r.path or "/", path)
        ]
        # The longest prefix wins; among equal ones the first (the oldest Ingress's).
        best = max(prefixes, key=lambda r: len(r.path), default=None)
        return best.target if best is not None else self.default


def class_of(ingress: Ingress) -> str | None:
    """The class an Ingress names: ``spec.ingressClassName``, else the old annotation."""
    if ingress.spec.ingress_class_name is not None:
        return ingress.spec.ingress_class_name
    return ingress.metadata.annotations.get(INGRESS_CLASS_ANNOTATION)


def is_default(ingress_class: IngressClass) -> bool:
    return ingress_class.metadata.annotations.get(DEFAULT_INGRESS_CLASS_ANNOTATION) == "true"


def build_routes(
    ingresses: Iterable[Ingress], class_names: set[str], *, default_class: bool
) -> IngressRoutes:
    """The table of the Ingresses of ``class_names`` (and of no class, if ours is the default)."""
    mine = [
        i
        for i in ingresses
        if (class_of(i) in class_names) or (class_of(i) is None and default_class)
    ]
    mine.sort(
        key=lambda i: (str(i.metadata.creation_timestamp), i.metadata.namespace, i.metadata.name)
    )
    routes: list[Route] = []
    default: Target | None = None
    for ingress in mine:
        namespace = ingress.metadata.namespace
        if default is None and ingress.spec.default_backend is not None:
            default = _target(namespace, ingress.spec.default_backend)
        for rule in ingress.spec.rules:
            if rule.http is None:
                continue
            for item in rule.http.paths:
                target = _target(namespace, item.backend)
                if target is not None:
                    routes.append(
                        Route(
                            host=rule.host.lower(),
                            path=item.path or "/",
                            path_type=item.path_type or "Prefix",
                            target=target,
                        )
                    )
    return IngressRoutes(routes=tuple(routes), default=default)
