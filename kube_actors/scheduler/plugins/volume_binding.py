"""VolumeBinding: a Pod's claims bound before the Pod is, on the node chosen for it.

Kubernetes' ``VolumeBinding`` plugin, at PreBind: each ``persistentVolumeClaim`` volume's
claim must exist; a claim of a ``WaitForFirstConsumer`` class that is not bound yet gets the
``volume.kubernetes.io/selected-node`` annotation naming this node, so the provisioner makes
its volume there; then the Pod waits, within ``bind_timeout`` seconds (Kubernetes' 600), for
every claim to be Bound. A missing claim, or a timeout, fails the binding cycle and the Pod
goes back to the queue.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

import anyio

from kube_actors.api import PersistentVolume, PersistentVolumeClaim, StorageClass, evolve
from kube_actors.errors import ApiError, NotFound

from ..framework import SUCCESS, CycleState, Handle, PodInfo, Status

__all__ = ["VolumeBinding"]

SELECTED_NODE: Final = "volume.kubernetes.io/selected-node"
_SKIP: Final = Status.skip()


class VolumeBinding:
    name: ClassVar[str] = "VolumeBinding"

    def __init__(self, handle: Handle, bind_timeout: float = 600.0) -> None:
        self.handle = handle
        self.bind_timeout = bind_timeout

    @classmethod
    def new(cls, args: Any, handle: Handle) -> VolumeBinding:
        timeout = getattr(args, "bind_timeout_seconds", None) if args is not None else None
        return cls(handle, float(timeout) if timeout is not None else 600.0)

    def pre_bind_pre_flight(self, state: CycleState, pod: PodInfo, node_name: str) -> Status:
        """PreBindPreFlight: Skip for a pod without claims (PreBind would do nothing)."""
        for volume in pod.pod.spec.volumes:
            if volume.persistent_volume_claim is not None:
                return SUCCESS if self.handle.client is not None else _SKIP
        return _SKIP

    async def pre_bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Status:
        names = _claim_names(pod)
        client = self.handle.client
        if not names or client is None:
            return SUCCESS
        namespace = pod.pod.metadata.namespace or "default"
        try:
            for name in names:
                claim = await client.get(PersistentVolumeClaim, name, namespace=namespace)
                if not claim.spec.volume_name:
                    await self._select_node(claim, node_name)
                elif not await self._volume_allows(claim.spec.volume_name, node_name):
                    return Status.unschedulable("node(s) had volume node affinity conflict")
            with anyio.fail_after(self.bind_timeout):
                for name in names:
                    await self._wait_bound(name, namespace)
        except NotFound as error:
            return Status.unschedulable(
                str(error).replace("persistentvolumeclaims", "persistentvolumeclaim")
            )
        except TimeoutError:
            return Status.error("binding volumes: context deadline exceeded")
        except ApiError as error:
            return Status.error(str(error))
        return SUCCESS

    async def _volume_allows(self, volume_name: str, node: str) -> bool:
        """Whether a bound volume's node affinity admits ``node`` (by its hostname label)."""
        client = self.handle.client
        assert client is not None
        try:
            volume = await client.get(PersistentVolume, volume_name)
        except NotFound:
            return True  # the kubelet reports the missing volume
        affinity = volume.spec.node_affinity
        required = affinity.required if affinity is not None else None
        if required is None:
            return True
        for term in required.node_selector_terms:
            hosts = [
                r.values
                for r in term.match_expressions
                if r.key == "kubernetes.io/hostname" and r.operator == "In"
            ]
            if not hosts or all(node in values for values in hosts):
                return True
        return False

    async def _select_node(self, claim: PersistentVolumeClaim, node: str) -> None:
        client = self.handle.client
        assert client is not None
        class_name = claim.spec.storage_class_name or ""
        try:
            storage_class = await client.get(StorageClass, class_name) if class_name else None
        except NotFound:
            storage_class = None
        if storage_class is None or storage_class.volume_binding_mode != "WaitForFirstConsumer":
            return
        meta = claim.metadata
        if meta.annotations.get(SELECTED_NODE) == node:
            return
        annotations = {**meta.annotations, SELECTED_NODE: node}
        await client.update(evolve(claim, metadata=evolve(meta, annotations=annotations)))

    async def _wait_bound(self, name: str, namespace: str) -> None:
        client = self.handle.client
        assert client is not None
        stream = await client.watch(
            PersistentVolumeClaim, namespace=namespace, field_selector=f"metadata.name={name}"
        )
        try:
            async for event in stream:
                claim = event.obj
                if isinstance(claim, PersistentVolumeClaim) and claim.status.phase == "Bound":
                    return
        finally:
            stream.close()


def _claim_names(pod: PodInfo) -> list[str]:
    """The claims of the pod's ``persistentVolumeClaim`` volumes."""
    return [
        v.persistent_volume_claim.claim_name
        for v in pod.pod.spec.volumes
        if v.persistent_volume_claim is not None
    ]
