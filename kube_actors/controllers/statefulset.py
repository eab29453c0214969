"""The StatefulSet controller: Pods with a stable identity (Kubernetes'
``pkg/controller/statefulset``).

A StatefulSet of N replicas owns the Pods ``<name>-0`` ... ``<name>-(N-1)``. A Pod keeps its
name, its hostname (``<name>-<ordinal>``) and its subdomain (``serviceName``) when it is
recreated. Each reconcile reads the set and its Pods from the shared informers' caches (the
Pods through the owner-uid index) and, in the order Kubernetes' ``updateStatefulSet`` does:

1. for each ordinal below N, creates the missing Pod and deletes a Failed or Succeeded one
   (to be created again); with ``OrderedReady`` it goes no further while a Pod is missing,
   terminating, or not Running and Ready, so Pods start one at a time from 0 up.
   ``Parallel`` does not wait;
2. deletes the Pods of ordinals N and above, highest first (``OrderedReady``: one at a time,
   only once every other Pod is healthy);
3. with ``RollingUpdate``, once every Pod is Running and Ready, deletes the Pod of the highest
   ordinal at or above ``partition`` that is not of the update revision (step 1 creates it
   again at the new revision); ``OnDelete`` leaves that to the user;
4. writes ``status``: replicas, readyReplicas, availableReplicas, currentReplicas,
   updatedReplicas, currentRevision, updateRevision, observedGeneration.

Revisions. Each template the set has had is a ControllerRevision ``<name>-<hash>``
(``_history``), the newest numbered highest, and a Pod is labelled with the revision it was
made from (``controller-revision-hash: <name>-<hash>``). A Pod of ordinal below
``partition`` is recreated at the current revision, whose template the revision holds (or,
should it be gone, a Pod of that revision). Revisions in use by no Pod, and neither current
nor update, are cut to ``revisionHistoryLimit`` (10).

Storage. Each of ``volumeClaimTemplates`` becomes a claim ``<template>-<pod>`` (``www-web-0``),
created before its Pod when missing (labelled with the set's selector, owned by no one, so it
outlives the Pod and the set, as with the default ``Retain`` retention policy), and the Pod
gets a volume named after the template that refers to it. A Pod made again (deleted,
rescheduled) finds its claim, and so its data.

Events follow Kubernetes' StatefulSet Pod control: ``SuccessfulCreate`` "create Pod web-0 in
StatefulSet web successful", ``SuccessfulDelete`` "delete Pod web-1 in StatefulSet web
successful", and ``FailedCreate`` / ``FailedDelete`` "... failed error: <why>".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from ..actors import wall_clock
from ..api import (
    ControllerRevision,
    ObjectMeta,
    PersistentVolumeClaim,
    PersistentVolumeClaimVolumeSource,
    Pod,
    PodTemplateSpec,
    StatefulSet,
    Volume,
    is_pod_available,
    is_pod_ready,
    is_pod_terminal,
    namespaced_name,
    template_hash,
)
from ..client import Client, EventRecorder, SharedInformer
from ..errors import AlreadyExists, ApiError, NotFound
from ..reconcile import ControllerSpec, Request, Result
from ._context import ControllerContext
from ._expectations import Expectations
from ._history import RevisionHistory, template_of
from ._workloads import (
    REVISION_LABEL,
    PodEvents,
    owned_pods,
    pod_from_template,
    revision_of,
)

__all__ = [
    "COMPONENT",
    "POD_INDEX_LABEL",
    "POD_NAME_LABEL",
    "StatefulSetReconciler",
    "WORKERS",
    "controller",
    "revision_name",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "statefulset-controller"
#: kube-controller-manager's ``--concurrent-statefulset-syncs``.
WORKERS = 5

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"


def revision_name(sts: StatefulSet, template: PodTemplateSpec | None = None) -> str:
    """``<name>-<hash of the template>``: the revision a Pod of this template belongs to."""
    return f"{sts.metadata.name}-{template_hash(template or sts.spec.template)}"


def _ordinal(sts: StatefulSet, pod: Pod) -> int | None:
    match = re.fullmatch(rf"{re.escape(sts.metadata.name)}-(\d+)", pod.metadata.name)
    return int(match.group(1)) if match else None


def _running_and_ready(pod: Pod) -> bool:
    return pod.status.phase == "Running" and is_pod_ready(pod)


def _terminating(pod: Pod) -> bool:
    return pod.metadata.deletion_timestamp is not None


class StatefulSetReconciler:
    """Reconciles one StatefulSet at a time against its Pods (see the module docstring)."""

    def __init__(
        self,
        *,
        client: Client,
        sets: SharedInformer[StatefulSet],
        pods: SharedInformer[Pod],
        recorder: EventRecorder,
        expectations: Expectations,
        history: RevisionHistory,
    ) -> None:
        self.client = client
        self.sets = sets
        self.pods = pods
        self.recorder = recorder
        self.expectations = expectations
        self.history = history

    async def reconcile(self, request: Request) -> Result:
        key = str(request)
        sts = self.sets.indexer.get(request.name, request.namespace)
        if sts is None:
            self.expectations.delete(key)
            return Result()
        if sts.metadata.deletion_timestamp is not None:
            return Result()
        pods = owned_pods(self.pods, sts)
        update = (await self.history.ensure(sts, sts.spec.template)).metadata.name
        current = sts.status.current_revision or update
        if self.expectations.satisfied(key):
            await _Sync(self, key, sts, pods, current, update).run()
        in_use = {revision_of(p) for p in pods} | {current, update}
        await self.history.truncate(sts, in_use=in_use, limit=sts.spec.revision_history_limit)
        return await self._write_status(sts, pods, current, update)

    # ------------------------------------------------------------------------- pods

    def template_for(self, revision: str, sts: StatefulSet, pods: Sequence[Pod]) -> PodTemplateSpec:
        known = self.history.known(sts, revision)
        if known is not None:
            return template_of(known)
        for pod in pods:
            if revision_of(pod) == revision:
                return _template_from_pod(pod)
        return sts.spec.template  # no trace of that revision left: use the newest

    async def _create_claims(self, sts: StatefulSet, pod: Pod) -> None:
        """Kubernetes' createPersistentVolumeClaims: each missing claim of ``pod``, made."""
        selector = sts.spec.selector.match_labels if sts.spec.selector else {}
        for template in sts.spec.volume_claim_templates:
            name = f"{template.metadata.name}-{pod.metadata.name}"
            meta = template.metadata
            claim = attrs.evolve(
                template,
                metadata=ObjectMeta(
                    name=name,
                    namespace=pod.metadata.namespace,
                    labels={**meta.labels, **selector},
                    annotations=meta.annotations,
                ),
            )
            what = f"Claim {name} Pod {pod.metadata.name} in StatefulSet {sts.metadata.name}"
            try:
                await self.client.get(PersistentVolumeClaim, name, namespace=pod.metadata.namespace)
                continue
            except NotFound:
                pass
            try:
                await self.client.create(claim)
            except AlreadyExists:
                continue
            except ApiError as error:
                message = f"create {what} failed error: {error}"
                self.recorder.event(sts, "Warning", "FailedCreate", message)
                raise
            self.recorder.event(sts, "Normal", "SuccessfulCreate", f"create {what} success")

    async def create(self, key: str, sts: StatefulSet, pod: Pod) -> None:
        await self._create_claims(sts, pod)
        self.expectations.expect(key, adds=1)
        try:
            await self.client.create(pod)
        except AlreadyExists:
            self.expectations.creation_observed(key)  # the cache will show it
            return
        except ApiError as error:
            self.expectations.creation_observed(key)
            self._event(sts, pod, "create", error)
            raise
        self._event(sts, pod, "create")

    async def delete(self, key: str, sts: StatefulSet, pod: Pod) -> None:
        self.expectations.expect(key, deletes=(namespaced_name(pod),))
        meta = pod.metadata
        try:
            await self.client.delete(Pod, meta.name, namespace=meta.namespace)
        except NotFound:
            self.expectations.deletion_observed(key, namespaced_name(pod))
            return
        except ApiError as error:
            self.expectations.deletion_observed(key, namespaced_name(pod))
            self._event(sts, pod, "delete", error)
            raise
        self._event(sts, pod, "delete")

    def _event(self, sts: StatefulSet, pod: Pod, verb: str, error: Exception | None = None) -> None:
        what = f"{verb} Pod {pod.metadata.name} in StatefulSet {sts.metadata.name}"
        if error is None:
            self.recorder.event(sts, "Normal", f"Successful{verb.title()}", f"{what} successful")
        else:
            message = f"{what} failed error: {error}"
            self.recorder.event(sts, "Warning", f"Failed{verb.title()}", message)

    # ------------------------------------------------------------------------ status

    async def _write_status(
        self, sts: StatefulSet, pods: Sequence[Pod], current: str, update: str
    ) -> Result:
        now = wall_clock()
        min_ready = sts.spec.min_ready_seconds
        live = [p for p in pods if not _terminating(p)]
        ready = [p for p in live if _running_and_ready(p)]
        available = sum(1 for p in ready if is_pod_available(p, min_ready, now))
        updated = sum(1 for p in live if revision_of(p) == update)
        at_current = sum(1 for p in live if revision_of(p) == current)
        replicas = sts.spec.replicas if sts.spec.replicas is not None else 1
        if updated == len(live) == len(ready) == replicas:
            current, at_current = update, updated  # the rollout is complete
        status = attrs.evolve(
            sts.status,
            observed_generation=sts.metadata.generation,
            replicas=len(live),
            ready_replicas=len(ready),
            available_replicas=available,
            current_replicas=at_current,
            updated_replicas=updated,
            current_revision=current,
            update_revision=update,
        )
        if status != sts.status:
            await self.client.update_status(attrs.evolve(sts, status=status))
        if min_ready and available < len(ready):
            return Result(requeue_after=float(min_ready))
        return Result()


def _template_from_pod(pod: Pod) -> PodTemplateSpec:
    meta = pod.metadata
    labels = {
        k: v
        for k, v in meta.labels.items()
        if k not in (REVISION_LABEL, POD_NAME_LABEL, POD_INDEX_LABEL)
    }
    spec = attrs.evolve(pod.spec, node_name="", hostname="", subdomain="")
    return PodTemplateSpec(
        metadata=ObjectMeta(labels=labels, annotations=meta.annotations),
        spec=spec,
    )


class _Sync:
    """The create, delete and update steps of one reconcile."""

    def __init__(
        self,
        owner: StatefulSetReconciler,
        key: str,
        sts: StatefulSet,
        pods: Sequence[Pod],
        current: str,
        update: str,
    ) -> None:
        self.owner = owner
        self.key = key
        self.sts = sts
        self.pods = pods
        self.current = current
        self.update = update
        spec = sts.spec
        self.replicas = spec.replicas if spec.replicas is not None else 1
        self.ordered = spec.pod_management_policy != "Parallel"
        strategy = spec.update_strategy
        self.rolling = strategy is None or strategy.type != "OnDelete"
        rolling = strategy.rolling_update if strategy is not None else None
        self.partition = (rolling.partition or 0) if rolling is not None else 0
        self.slots: list[Pod | None] = [None] * self.replicas
        self.condemned: list[tuple[int, Pod]] = []
        for pod in pods:
            ordinal = _ordinal(sts, pod)
            if ordinal is None:
                continue
            if ordinal < self.replicas:
                self.slots[ordinal] = pod
            else:
                self.condemned.append((ordinal, pod))
        self.condemned.sort(key=lambda item: item[0], reverse=True)

    async def run(self) -> None:
        if not await self._scale_up():
            return
        if not await self._scale_down():
            return
        if self.rolling:
            await self._roll()

    async def _scale_up(self) -> bool:
        """Steps 1: create and replace; False when OrderedReady must wait."""
        for ordinal, pod in enumerate(self.slots):
            if pod is None:
                await self.owner.create(self.key, self.sts, self._new_pod(ordinal))
                if self.ordered:
                    return False
                continue
            if is_pod_terminal(pod) and not _terminating(pod):
                await self.owner.delete(self.key, self.sts, pod)
                if self.ordered:
                    return False
                continue
            if self.ordered and (_terminating(pod) or not _running_and_ready(pod)):
                return False
        return True

    async def _scale_down(self) -> bool:
        """Step 2: delete ordinals at and above replicas, highest first."""
        healthy = all(p is not None and _running_and_ready(p) for p in self.slots)
        for _, pod in self.condemned:
            if _terminating(pod):
                if self.ordered:
                    return False
                continue
            if self.ordered and not healthy:
                return False
            await self.owner.delete(self.key, self.sts, pod)
            if self.ordered:
                return False
        return True

    async def _roll(self) -> None:
        """Step 3: replace the highest out-of-date Pod at or above the partition."""
        if not all(p is not None and _running_and_ready(p) for p in self.slots):
            return
        for ordinal in range(self.replicas - 1, self.partition - 1, -1):
            pod = self.slots[ordinal]
            if pod is not None and revision_of(pod) != self.update:
                await self.owner.delete(self.key, self.sts, pod)
                return

    def _new_pod(self, ordinal: int) -> Pod:
        sts = self.sts
        revision = self.current if self.rolling and ordinal < self.partition else self.update
        template = self.owner.template_for(revision, sts, self.pods)
        name = f"{sts.metadata.name}-{ordinal}"
        pod = pod_from_template(
            template,
            sts,
            name=name,
            labels={
                REVISION_LABEL: revision,
                POD_NAME_LABEL: name,
                POD_INDEX_LABEL: str(ordinal),
            },
        )
        claims = tuple(
            Volume(
                name=claim.metadata.name,
                persistent_volume_claim=PersistentVolumeClaimVolumeSource(
                    claim_name=f"{claim.metadata.name}-{name}"
                ),
            )
            for claim in sts.spec.volume_claim_templates
        )
        taken = {c.name for c in claims}
        volumes = (*claims, *(v for v in pod.spec.volumes if v.name not in taken))
        spec = attrs.evolve(
            pod.spec, hostname=name, subdomain=sts.spec.service_name, volumes=volumes
        )
        return attrs.evolve(pod, spec=spec)


def controller(context: ControllerContext) -> ControllerSpec:
    """The StatefulSet controller, as kube-controller-manager's ``statefulset-controller``."""
    sets = context.informers.informer(StatefulSet)
    pods = context.informers.informer(Pod)
    expectations = Expectations()
    history = RevisionHistory(
        client=context.client, revisions=context.informers.informer(ControllerRevision)
    )
    reconciler = StatefulSetReconciler(
        client=context.client,
        sets=sets,
        pods=pods,
        recorder=context.recorder(COMPONENT),
        expectations=expectations,
        history=history,
    )
    return ControllerSpec(
        for_=StatefulSet,
        owns=(ControllerRevision,),
        watches=[(Pod, PodEvents(StatefulSet, expectations))],
        reconciler=reconciler,
        workers=WORKERS,
        name="statefulset",
    )
