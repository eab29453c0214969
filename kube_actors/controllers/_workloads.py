"""What the workload controllers (Job, StatefulSet, DaemonSet) share about their Pods.

``PodEvents`` is their Pod informer handler: it counts off the owner's ``Expectations``
(see ``_expectations``) as the Pods it created or deleted reach the cache, then enqueues the owner
that controls the Pod. Pass it in ``ControllerSpec.watches`` instead of ``owns=[Pod]``.

``PodControl`` is kube-controller-manager's ``RealPodControl``: it creates and deletes the
Pods of one owner, raising the owner's expectations first and recording Kubernetes' Events
(``SuccessfulCreate`` "Created pod: web-x7k2p", ``FailedCreate`` "Error creating: ...",
``SuccessfulDelete`` "Deleted pod: ...", ``FailedDelete`` "Error deleting: ...").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..api import (
    ObjectMeta,
    Pod,
    PodTemplateSpec,
    controller_of,
    get_condition,
    kind_info,
    namespaced_name,
    owner_reference,
)
from ..client import OWNER_UID_INDEX, Client, EventRecorder, SharedInformer
from ..errors import ApiError, NotFound
from ..reconcile import Request, WorkQueue
from ._expectations import Expectations

__all__ = [
    "PodControl",
    "PodEvents",
    "REVISION_LABEL",
    "finished_time",
    "owned_pods",
    "pod_from_template",
    "revision_of",
]


def owned_pods(pods: SharedInformer[Pod], owner: Any) -> list[Pod]:
    """The cached Pods that ``owner`` controls, found through the owner-uid index."""
    uid = owner.metadata.uid
    found = []
    for pod in pods.indexer.by_index(OWNER_UID_INDEX, uid):
        for ref in pod.metadata.owner_references:
            if ref.uid == uid and ref.controller:
                found.append(pod)
                break
    return found


def pod_from_template(
    template: PodTemplateSpec,
    owner: Any,
    *,
    name: str = "",
    generate_name: str = "",
    labels: Mapping[str, str] | None = None,
    annotations: Mapping[str, str] | None = None,
) -> Pod:
    """A Pod of ``owner`` from its template, in the owner's namespace, controlled by it."""
    meta = template.metadata
    return Pod(
        metadata=ObjectMeta(
            name=name,
            generate_name=generate_name if not name else "",
            namespace=owner.metadata.namespace,
            labels={**meta.labels, **(labels or {})},
            annotations={**meta.annotations, **(annotations or {})},
            finalizers=meta.finalizers,
            owner_references=(owner_reference(owner),),
        ),
        spec=template.spec,
    )


def finished_time(pod: Pod) -> dt.datetime | None:
    """When a finished Pod finished: its containers' last exit, else when it stopped being
    Ready, else when it was deleted (Kubernetes' ``getFinishedTime``)."""
    finished: dt.datetime | None = None
    for status in pod.status.container_statuses:
        terminated = status.state.terminated
        if terminated is None or terminated.finished_at is None:
            finished = None
            break
        if finished is None or terminated.finished_at > finished:
            finished = terminated.finished_at
    if finished is not None:
        return finished
    ready = get_condition(pod.status.conditions, "Ready")
    if ready is not None and ready.status == "False" and ready.last_transition_time:
        return ready.last_transition_time
    meta = pod.metadata
    if meta.deletion_timestamp is not None:
        grace = dt.timedelta(seconds=meta.deletion_grace_period_seconds or 0)
        return meta.deletion_timestamp - grace
    return meta.creation_timestamp


class PodControl:
    """Creates and deletes an owner's Pods, with expectations and Events."""

    __slots__ = ("client", "expectations", "recorder")

    def __init__(self, client: Client, recorder: EventRecorder, expectations: Expectations):
        self.client = client
        self.recorder = recorder
        self.expectations = expectations

    async def create(self, key: str, owner: Any, pod: Pod) -> Pod:
        """Create ``pod`` for ``owner`` (whose controller key is ``key``)."""
        self.expectations.expect(key, adds=1)
        try:
            created = await self.client.create(pod)
        except ApiError as error:
            self.expectations.creation_observed(key)  # it will never arrive
            self.recorder.event(owner, "Warning", "FailedCreate", f"Error creating: {error}")
            raise
        self.recorder.event(
            owner, "Normal", "SuccessfulCreate", f"Created pod: {created.metadata.name}"
        )
        return created

    async def delete(self, key: str, owner: Any, pod: Pod) -> None:
        """Delete ``pod`` of ``owner``; one already gone counts as deleted."""
        self.expectations.expect(key, deletes=(namespaced_name(pod),))
        meta = pod.metadata
        try:
            await self.client.delete(Pod, meta.name, namespace=meta.namespace)
        except NotFound:
            self.expectations.deletion_observed(key, namespaced_name(pod))
            return
        except ApiError as error:
            self.expectations.deletion_observed(key, namespaced_name(pod))
            self.recorder.event(owner, "Warning", "FailedDelete", f"Error deleting: {error}")
            raise
        self.recorder.event(owner, "Normal", "SuccessfulDelete", f"Deleted pod: {meta.name}")


class PodEvents:
    """The Pod informer's handler for a workload controller: meets its expectations, then
    enqueues the owner (of kind ``owner``) that controls the Pod."""

    __slots__ = ("_api_version", "_kind", "expectations")

    def __init__(self, owner: type[Any], expectations: Expectations) -> None:
        info = kind_info(owner)
        self._kind = info.kind
        self._api_version = info.api_version
        self.expectations = expectations

    def _owner(self, pod: Pod) -> Request | None:
        ref = controller_of(pod)
        if ref is None or ref.kind != self._kind or ref.api_version != self._api_version:
            return None
        return Request(pod.metadata.namespace, ref.name)

    def on_add(self, pod: Pod, queue: WorkQueue[Request]) -> None:
        if not pod.metadata.owner_references:
            return
        owner = self._owner(pod)
        if owner is None:
            return
        if pod.metadata.deletion_timestamp is not None:
            self.expectations.deletion_observed(str(owner), namespaced_name(pod))
        else:
            self.expectations.creation_observed(str(owner))
        queue.add(owner)

    def on_update(self, old: Pod, new: Pod, queue: WorkQueue[Request]) -> None:
        if not new.metadata.owner_references and not old.metadata.owner_references:
            return  # owned by no controller, before or after (a bare Pod's every write)
        owner = self._owner(new)
        if owner is not None:
            if new.metadata.deletion_timestamp is not None:
                self.expectations.deletion_observed(str(owner), namespaced_name(new))
            queue.add(owner)
        previous = self._owner(old)
        if previous is not None and previous != owner:
            queue.add(previous)

    def on_delete(self, pod: Pod, queue: WorkQueue[Request]) -> None:
        owner = self._owner(pod)
        if owner is None:
            return
        self.expectations.deletion_observed(str(owner), namespaced_name(pod))
        queue.add(owner)


#: The label naming the revision of the template a Pod was made from.
REVISION_LABEL = "controller-revision-hash"


def revision_of(pod: Pod) -> str:
    return pod.metadata.labels.get(REVISION_LABEL, "")
