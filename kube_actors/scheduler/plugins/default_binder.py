"""DefaultBinder: bind through the apiserver's ``pods/binding`` subresource."""

from __future__ import annotations

from typing import Any, ClassVar

from kube_actors.api import Binding, ObjectMeta, ObjectReference
from kube_actors.errors import ApiError

from ..framework import SUCCESS, BindPlugin, CycleState, Handle, PodInfo, Status

__all__ = ["DefaultBinder"]


class DefaultBinder(BindPlugin):
    name: ClassVar[str] = "DefaultBinder"

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    @classmethod
    def new(cls, args: Any, handle: Handle) -> DefaultBinder:
        return cls(handle)

    async def bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Status:
        client = self.handle.client
        if client is None:
            return Status.error("DefaultBinder needs a client")
        meta = pod.pod.metadata
        binding = Binding(
            metadata=ObjectMeta(name=meta.name, namespace=meta.namespace, uid=meta.uid),
            target=ObjectReference(kind="Node", name=node_name),
        )
        try:
            await client.create(binding)
        except ApiError as error:
            return Status.error(str(error))
        return SUCCESS
