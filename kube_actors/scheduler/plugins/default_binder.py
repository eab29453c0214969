"""DefaultBinder: bind through the apiserver's ``pods/binding`` subresource."""

from __future__ import annotations

from typing import Any, ClassVar, Final

from kube_actors.api import Binding, ObjectMeta, ObjectReference, evolver, quick_new
from kube_actors.errors import ApiError

from ..framework import SUCCESS, BindPlugin, CycleState, Handle, PodInfo, Status

__all__ = ["DefaultBinder"]

#: What each Binding is built with (one a Pod): by field name, without the class calls; its
#: metadata a copy of the empty one with the Pod's name, namespace and uid.
_new_binding: Final = quick_new(Binding)
_new_reference: Final = quick_new(ObjectReference)
_named_meta: Final = evolver(ObjectMeta)
_EMPTY_META: Final = ObjectMeta()


class DefaultBinder(BindPlugin):
    name: ClassVar[str] = "DefaultBinder"

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    @classmethod
    def new(cls, args: Any, handle: Handle) -> DefaultBinder:
        return cls(handle)

    def binding(self, pod: PodInfo, node_name: str) -> Binding:
        """The ``pods/binding`` create that binds ``pod`` to ``node_name`` (what ``bind``
        sends; the scheduler sends a batch's together)."""
        meta = pod.pod.metadata
        return _new_binding(
            metadata=_named_meta(
                _EMPTY_META, name=meta.name, namespace=meta.namespace, uid=meta.uid
            ),
            target=_new_reference(kind="Node", name=node_name),
        )

    async def bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Status:
        client = self.handle.client
        if client is None:
            return Status.error("DefaultBinder needs a client")
        try:
            await client.create(self.binding(pod, node_name))
        except ApiError as error:
            return Status.error(str(error))
        return SUCCESS
