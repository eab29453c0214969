"""The persistentvolume controller: binds claims to volumes, provisions, reclaims.

Kubernetes' ``pkg/controller/volume/persistentvolume`` with a built-in provisioner. Requests
name a claim (``namespace/name``) or a volume (no namespace: PersistentVolumes are
cluster-scoped). For a claim:

- no ``storageClassName``: the default StorageClass's name is written into it (Kubernetes'
  admission and its retroactive default-class assignment do this);
- bound (``volumeName``) to a volume whose ``claimRef`` is it: its status says Bound, with
  the volume's capacity and access modes; a volume that went makes it Lost;
- else an Available volume of its class that fits (capacity at least the request, every
  access mode asked for) is bound to it, the smallest first;
- else the class's provisioner makes one: :data:`LOCAL_PATH_PROVISIONER` names a directory
  ``<storage dir>/<volume>_<namespace>_<claim>`` (the kubelet creates it on first mount) and,
  for ``WaitForFirstConsumer``, waits for the scheduler's ``volume.kubernetes.io/selected-node``
  annotation and pins the volume to that node.

For a volume: no claim is Available; a claim that is gone (or a new one of that name)
releases it, and its reclaim policy decides: ``Delete`` removes the volume and its directory,
``Retain`` keeps it Released with the data until an administrator acts.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from ..api import (
    DEFAULT_CLASS_ANNOTATION,
    HostPathVolumeSource,
    NodeSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    ObjectMeta,
    ObjectReference,
    PersistentVolume,
    PersistentVolumeClaim,
    PersistentVolumeSpec,
    StorageClass,
    VolumeNodeAffinity,
    evolve,
)
from ..client import Client, EventRecorder, SharedInformer
from ..errors import AlreadyExists, Conflict, NotFound
from ..reconcile import ControllerSpec, Request, Result
from ._context import ControllerContext

__all__ = [
    "COMPONENT",
    "LOCAL_PATH_PROVISIONER",
    "SELECTED_NODE",
    "PersistentVolumeReconciler",
    "controller",
]

#: Its client's name and its Events' source, as Kubernetes' PV controller records them.
COMPONENT: Final = "persistentvolume-controller"
#: The built-in provisioner's name (the local-path provisioner's, as kind and k3s ship it).
LOCAL_PATH_PROVISIONER: Final = "rancher.io/local-path"
#: The scheduler's choice of node for a WaitForFirstConsumer claim.
SELECTED_NODE: Final = "volume.kubernetes.io/selected-node"
_PROVISIONED_BY: Final = "pv.kubernetes.io/provisioned-by"
_BIND_COMPLETED: Final = "pv.kubernetes.io/bind-completed"
_BOUND_BY_CONTROLLER: Final = "pv.kubernetes.io/bound-by-controller"


def _request_bytes(claim: PersistentVolumeClaim) -> int:
    amount = claim.spec.resources.requests.get("storage")
    return amount.value() if amount is not None else 0


class PersistentVolumeReconciler:
    def __init__(
        self,
        client: Client,
        claims: SharedInformer[PersistentVolumeClaim],
        volumes: SharedInformer[PersistentVolume],
        classes: SharedInformer[StorageClass],
        recorder: EventRecorder,
        storage_dir: Path,
    ) -> None:
        self.client = client
        self.claims = claims
        self.volumes = volumes
        self.classes = classes
        self.recorder = recorder
        self.storage_dir = storage_dir

    async def reconcile(self, request: Request) -> Result:
        try:
            if request.namespace:
                await self._sync_claim(request.namespace, request.name)
            else:
                await self._sync_volume(request.name)
        except (Conflict, AlreadyExists):
            return Result(requeue=True)  # the caches were behind; their event comes next
        return Result()

    # ------------------------------------------------------------------------- claims

    def _default_class(self) -> StorageClass | None:
        defaults = [
            c
            for c in self.classes.indexer.list()
            if c.metadata.annotations.get(DEFAULT_CLASS_ANNOTATION) == "true"
        ]
        # Kubernetes picks the newest default when several are marked.
        return max(
            defaults,
            key=lambda c: (str(c.metadata.creation_timestamp), c.metadata.name),
            default=None,
        )

    async def _sync_claim(self, namespace: str, name: str) -> None:
        claim = self.claims.indexer.get(name, namespace)
        if claim is None or claim.metadata.deletion_timestamp is not None:
            return
        if claim.spec.storage_class_name is None:
            default = self._default_class()
            if default is not None:
                spec = evolve(claim.spec, storage_class_name=default.metadata.name)
                await self.client.update(evolve(claim, spec=spec))
            return
        if claim.spec.volume_name:
            await self._keep_bound(claim)
            return
        volume = self._fitting_volume(claim)
        if volume is not None:
            await self._bind(claim, volume)
            return
        await self._provision(claim)

    async def _keep_bound(self, claim: PersistentVolumeClaim) -> None:
        volume = self.volumes.indexer.get(claim.spec.volume_name)
        if volume is None:
            if claim.status.phase == "Bound":
                await self._claim_phase(claim, "Lost")
                self.recorder.event(
                    claim,
                    "Warning",
                    "ClaimLost",
                    "Bound claim has lost reference to PersistentVolume. "
                    "Data on the volume is lost!",
                )
            return
        ref = volume.spec.claim_ref
        if ref is None or (ref.namespace, ref.name) != (
            claim.metadata.namespace,
            claim.metadata.name,
        ):
            return
        if not ref.uid:
            await self._bind(claim, volume)
            return
        if claim.status.phase != "Bound":
            await self._bind(claim, volume)

    def _fitting_volume(self, claim: PersistentVolumeClaim) -> PersistentVolume | None:
        wanted = _request_bytes(claim)
        meta = claim.metadata
        fits: list[PersistentVolume] = []
        for volume in self.volumes.indexer.list():
            spec = volume.spec
            ref = spec.claim_ref
            if ref is not None and (ref.namespace, ref.name, ref.uid) not in (
                (meta.namespace, meta.name, meta.uid),
                (meta.namespace, meta.name, ""),
            ):
                continue
            if volume.status.phase not in ("Available", "Pending", "") and ref is None:
                continue
            if spec.storage_class_name != (claim.spec.storage_class_name or ""):
                continue
            capacity = spec.capacity.get("storage")
            if capacity is None or capacity.value() < wanted:
                continue
            if not set(claim.spec.access_modes) <= set(spec.access_modes):
                continue
            if ref is not None:
                return volume  # pre-bound to this claim: it wins
            fits.append(volume)
        return min(fits, key=lambda v: v.spec.capacity["storage"].value(), default=None)

    async def _bind(self, claim: PersistentVolumeClaim, volume: PersistentVolume) -> None:
        meta = claim.metadata
        ref = ObjectReference(
            api_version="v1",
            kind="PersistentVolumeClaim",
            namespace=meta.namespace,
            name=meta.name,
            uid=meta.uid,
            resource_version=meta.resource_version,
        )
        if volume.spec.claim_ref != ref:
            volume = await self.client.update(
                evolve(volume, spec=evolve(volume.spec, claim_ref=ref))
            )
        if volume.status.phase != "Bound":
            volume = await self.client.update_status(
                evolve(volume, status=evolve(volume.status, phase="Bound"))
            )
        annotations = {**meta.annotations, _BIND_COMPLETED: "yes", _BOUND_BY_CONTROLLER: "yes"}
        if claim.spec.volume_name != volume.metadata.name or meta.annotations != annotations:
            claim = await self.client.update(
                evolve(
                    claim,
                    metadata=evolve(meta, annotations=annotations),
                    spec=evolve(claim.spec, volume_name=volume.metadata.name),
                )
            )
        status = evolve(
            claim.status,
            phase="Bound",
            access_modes=volume.spec.access_modes,
            capacity=volume.spec.capacity,
        )
        if status != claim.status:
            await self.client.update_status(evolve(claim, status=status))

    async def _claim_phase(self, claim: PersistentVolumeClaim, phase: str) -> None:
        await self.client.update_status(evolve(claim, status=evolve(claim.status, phase=phase)))

    async def _provision(self, claim: PersistentVolumeClaim) -> None:
        class_name = claim.spec.storage_class_name or ""
        storage_class = self.classes.indexer.get(class_name) if class_name else None
        if storage_class is None:
            message = (
                f'storageclass.storage.k8s.io "{class_name}" not found'
                if class_name
                else "no persistent volumes available for this claim and no storage class is set"
            )
            if class_name:
                self.recorder.event(claim, "Warning", "ProvisioningFailed", message)
            else:
                self.recorder.event(claim, "Normal", "FailedBinding", message)
            return
        if storage_class.provisioner != LOCAL_PATH_PROVISIONER:
            self.recorder.event(
                claim,
                "Normal",
                "ExternalProvisioning",
                f"Waiting for a volume to be created either by the external provisioner "
                f"'{storage_class.provisioner}' or manually by the system administrator.",
            )
            return
        node = claim.metadata.annotations.get(SELECTED_NODE, "")
        if storage_class.volume_binding_mode == "WaitForFirstConsumer" and not node:
            self.recorder.event(
                claim,
                "Normal",
                "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding",
            )
            return
        await self._create_volume(claim, storage_class, node)

    async def _create_volume(
        self, claim: PersistentVolumeClaim, storage_class: StorageClass, node: str
    ) -> None:
        meta = claim.metadata
        name = f"pvc-{meta.uid}"
        directory = self.storage_dir / f"{name}_{meta.namespace}_{meta.name}"
        affinity = None
        if node:
            term = NodeSelectorTerm(
                match_expressions=[
                    NodeSelectorRequirement(
                        key="kubernetes.io/hostname", operator="In", values=[node]
                    )
                ]
            )
            affinity = VolumeNodeAffinity(required=NodeSelector(node_selector_terms=[term]))
        volume = PersistentVolume(
            metadata=ObjectMeta(name=name, annotations={_PROVISIONED_BY: LOCAL_PATH_PROVISIONER}),
            spec=PersistentVolumeSpec(
                capacity={"storage": claim.spec.resources.requests["storage"]},
                access_modes=claim.spec.access_modes,
                claim_ref=ObjectReference(
                    api_version="v1",
                    kind="PersistentVolumeClaim",
                    namespace=meta.namespace,
                    name=meta.name,
                    uid=meta.uid,
                ),
                persistent_volume_reclaim_policy=storage_class.reclaim_policy or "Delete",
                storage_class_name=storage_class.metadata.name,
                volume_mode=claim.spec.volume_mode,
                node_affinity=affinity,
                host_path=HostPathVolumeSource(path=str(directory), type="DirectoryOrCreate"),
            ),
        )
        try:
            await self.client.create(volume)
        except AlreadyExists:
            return
        self.recorder.event(
            claim,
            "Normal",
            "ProvisioningSucceeded",
            f"Successfully provisioned volume {name}",
        )

    # ------------------------------------------------------------------------ volumes

    async def _sync_volume(self, name: str) -> None:
        volume = self.volumes.indexer.get(name)
        if volume is None or volume.metadata.deletion_timestamp is not None:
            return
        ref = volume.spec.claim_ref
        if ref is None:
            await self._volume_phase(volume, "Available")
            return
        claim = self.claims.indexer.get(ref.name, ref.namespace)
        if claim is not None and (not ref.uid or claim.metadata.uid == ref.uid):
            if claim.spec.volume_name == name:
                await self._volume_phase(volume, "Bound")
            elif volume.status.phase in ("", "Pending"):
                await self._volume_phase(volume, "Available")
            return
        if volume.status.phase != "Released":
            volume = await self._volume_phase(volume, "Released")
        if volume.spec.persistent_volume_reclaim_policy == "Delete":
            await self._delete(volume)

    async def _volume_phase(self, volume: PersistentVolume, phase: str) -> PersistentVolume:
        if volume.status.phase == phase:
            return volume
        return await self.client.update_status(
            evolve(volume, status=evolve(volume.status, phase=phase))
        )

    async def _delete(self, volume: PersistentVolume) -> None:
        path = volume.spec.host_path.path if volume.spec.host_path else ""
        ours = volume.metadata.annotations.get(_PROVISIONED_BY) == LOCAL_PATH_PROVISIONER
        if ours and path and Path(path).parent == self.storage_dir:
            shutil.rmtree(path, ignore_errors=True)
        with contextlib.suppress(NotFound):
            await self.client.delete(PersistentVolume, volume.metadata.name)

    # ---------------------------------------------------------------------- mapping

    def requests_for_volume(self, volume: Any) -> Iterable[Request]:
        """A volume's change queues itself and the claim it names."""
        yield Request("", volume.metadata.name)
        ref = volume.spec.claim_ref
        if ref is not None:
            yield Request(ref.namespace, ref.name)

    def requests_for_claim_change(self, claim: Any) -> Iterable[Request]:
        """A claim's change (or deletion) queues the volumes that name it."""
        meta = claim.metadata
        for volume in self.volumes.indexer.list():
            ref = volume.spec.claim_ref
            if ref is not None and (ref.namespace, ref.name) == (meta.namespace, meta.name):
                yield Request("", volume.metadata.name)

    def requests_for_class(self, storage_class: Any) -> Iterable[Request]:
        """A new or changed class may provision for, or default, every pending claim."""
        for claim in self.claims.indexer.list():
            if claim.status.phase != "Bound":
                yield Request(claim.metadata.namespace, claim.metadata.name)


def default_storage_dir() -> Path:
    """Where the local-path provisioner's volumes go unless the cluster says otherwise."""
    return Path(tempfile.gettempdir()) / "kube-actors-local-path"


def controller(context: ControllerContext) -> ControllerSpec:
    """The persistentvolume controller (with the local-path provisioner) on shared informers."""
    volumes = context.informers.informer(PersistentVolume)
    reconciler = PersistentVolumeReconciler(
        context.client,
        context.informers.informer(PersistentVolumeClaim),
        volumes,
        context.informers.informer(StorageClass),
        context.recorder(COMPONENT),
        Path(context.storage_dir) if context.storage_dir else default_storage_dir(),
    )
    return ControllerSpec(
        for_=PersistentVolumeClaim,
        watches=[
            (PersistentVolumeClaim, reconciler.requests_for_claim_change),
            (PersistentVolume, reconciler.requests_for_volume),
            (StorageClass, reconciler.requests_for_class),
        ],
        reconciler=reconciler,
        name="persistentvolume-binder",
    )
