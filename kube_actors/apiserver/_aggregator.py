"""API aggregation: group versions the apiserver forwards to another actor, as kube-aggregator
forwards an ``APIService`` to the Service behind it.

``metrics.k8s.io/v1beta1`` is such a group: its kinds are in the registry (so discovery,
paths and the converter know them) but never stored; reads go to the metrics server, which
the apiserver is told of by name (``ApiServer(api_services=...)``). Without one, or while
it is down, the group answers 503 ServiceUnavailable, as an unavailable APIService does.
Aggregated APIs here are read-only: other verbs answer 405 MethodNotAllowed, as metrics-server does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from kube_actors.actors import ActorRef
from kube_actors.api import Create, Get, List, Update, kind_info
from kube_actors.errors import ActorError, MethodNotSupported, ServiceUnavailable

__all__ = ["AGGREGATED_VERSIONS", "Aggregator"]

#: The group versions served by an aggregated server, never by the apiserver's storage.
AGGREGATED_VERSIONS: Final = frozenset({"metrics.k8s.io/v1beta1"})
#: How long the apiserver waits for an aggregated server (kube-aggregator allows it 5 s).
_FORWARD_TIMEOUT: Final = 5.0
_UNKNOWN: Final = object()
#: At most this many kinds' answers are remembered.
_CLAIMED_MAX: Final = 256


class Aggregator:
    """``services`` maps an aggregated group version to the name of the actor serving it
    (looked up at each request, so a restarted server is found again)."""

    def __init__(self, services: Mapping[str, str], lookup: Callable[[str], ActorRef]) -> None:
        unknown = set(services) - AGGREGATED_VERSIONS
        if unknown:
            raise ValueError(f"not aggregated APIs here: {sorted(unknown)}")
        self.services = dict(services)
        self.lookup = lookup
        self._claimed: dict[type[Any], str | None] = {}

    def claims(self, message: Any) -> str | None:
        """The aggregated group version ``message`` is for, or None."""
        cls = type(message)
        if cls is Update or cls is Create:  # the writes of an object, most of what is asked
            kind: Any = type(message.obj)
        else:
            kind = getattr(message, "kind", None)
            if not isinstance(kind, type):
                kind = type(getattr(message, "obj", None))
        # Asked of every request: the answer for a kind is remembered (a kind's group
        # version never changes; the memo is emptied before it could grow with kinds made
        # and dropped, such as CRDs').
        claimed = self._claimed.get(kind, _UNKNOWN)
        if claimed is not _UNKNOWN:
            return claimed  # type: ignore[return-value]
        try:
            api_version = kind_info(kind).api_version
        except KeyError:
            return None  # not remembered: the kind may be registered later
        claimed = api_version if api_version in AGGREGATED_VERSIONS else None
        if len(self._claimed) >= _CLAIMED_MAX:
            self._claimed.clear()
        self._claimed[kind] = claimed
        return claimed

    async def forward(self, api_version: str, message: Any) -> Any:
        if not isinstance(message, Get | List):
            raise MethodNotSupported(
                "the server does not allow this method on the requested resource",
                kind=kind_info(getattr(message, "kind", None) or type(message.obj)).plural,
            )
        name = self.services.get(api_version)
        service = self._find(name) if name is not None else None
        if service is None or not service.alive:
            raise ServiceUnavailable(
                f"the server is currently unable to handle the request ({api_version} has "
                "no server running)"
            )
        try:
            return await service.ask(message, timeout=_FORWARD_TIMEOUT)
        except ActorError as error:
            raise ServiceUnavailable(
                f"the server is currently unable to handle the request ({api_version}: {error})"
            ) from error

    def _find(self, name: str) -> ActorRef | None:
        try:
            return self.lookup(name)
        except (KeyError, ActorError):
            return None
