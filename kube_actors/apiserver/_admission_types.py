"""The shape of an admission plugin, and what it may read."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal, Protocol, TypeVar

from kube_actors.api import KindInfo

__all__ = ["AdmissionPlugin", "Lookup", "Operation"]

Operation = Literal["CREATE", "UPDATE", "DELETE"]

R = TypeVar("R")


class Lookup(Protocol):
    """What admission may read: the apiserver's watch cache."""

    def get(self, kind: type[Any], namespace: str, name: str) -> Any | None: ...

    def all(self, kind: type[Any]) -> Iterable[Any]: ...

    def in_namespace(self, kind: type[Any], namespace: str) -> Iterable[Any]: ...

    def derived(self, kind: type[Any], derive: Callable[[Iterable[Any]], R]) -> R:
        """``derive(self.all(kind))``, for a pure ``derive`` (a module's function): the
        watch cache works it out again only once the kind's objects changed."""
        ...


class AdmissionPlugin(Protocol):
    def __call__(
        self, operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup
    ) -> Any:
        """The object to store (``obj`` itself if nothing changed); raise to refuse."""
        ...
