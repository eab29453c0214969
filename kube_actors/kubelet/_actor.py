"""The kubelet actor: one per node, registering the node and running the pods bound to it.

- It registers its Node (capacity, allocatable, labels, taints), keeps its Ready condition
  reported (at once when it changes, otherwise every 5 minutes, checked every 10 s) and renews
  the node's Lease in ``kube-node-lease`` every 10 s: the node lifecycle controller watches
  those heartbeats.
- It watches the Pods bound to its node and runs one ``PodWorker`` child actor per Pod. The
  watch handler only notes which Pods changed; the actor then hands the newest version of each
  to its worker, so a burst of changes never floods a mailbox. Its pods' service variables
  come from a Services informer: its own, or the one its host's kubelets share (``services``).
- It admits a Pod only if it fits what is left of the node's allocatable, as the kubelet's
  admission does; a Pod that does not fit fails with ``OutOfcpu`` (or ``OutOfmemory``,
  ``OutOfpods``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from kube_actors.actors import (
    DEFAULT_EPOCH,
    Actor,
    ActorRef,
    monotonic,
    wall_clock_whole_seconds,
    whole_seconds_clock,
)
from kube_actors.api import (
    Lease,
    LeaseSpec,
    Node,
    NodeStatus,
    Pod,
    Quantity,
    Service,
    evolve,
    evolver,
    is_pod_terminal,
    pod_requests,
)
from kube_actors.client import Client, EventRecorder, SharedInformer
from kube_actors.errors import (
    ActorError,
    AlreadyExists,
    Conflict,
    KubeActorsError,
    NotFound,
    ServiceUnavailable,
    TooManyRequests,
)
from kube_actors.runtime import ContainerRuntime

from ._config import KubeletTimings, NodeConfig
from ._context import KubeletContext
from ._node import (
    LEASE_NAMESPACE,
    condition_events,
    desired_node,
    lease_for,
    node_status,
    status_essence,
)
from ._pod_worker import PodChanged, PodWorker
from ._stats import GetSummary, StatsProvider

__all__ = ["AbandonContainers", "Kubelet"]


@attrs.frozen
class AbandonContainers:
    """When this kubelet stops, leave its containers running (a node that dies)."""


@attrs.frozen
class _Dispatch:
    """Hand the pods that changed to their workers."""


@attrs.frozen
class _RenewLease:
    pass


@attrs.frozen
class _CheckNodeStatus:
    pass


@attrs.frozen
class _Heartbeat:
    """Both of the above, in that order, when their periods are the same (10 s by default),
    one timer per node and period instead of two: the message of a heartbeat whose renewal
    is to be awaited (``Kubelet._heartbeat``)."""


#: The one ``_Heartbeat`` every kubelet sends itself (frozen: nothing to build per period).
_HEARTBEAT = _Heartbeat()


@attrs.frozen
class _ReportNodeStatus:
    """The rest of a heartbeat whose renewal went on without a handler waiting for it
    (``Kubelet._lease_renewed``), when the status check found a report to make."""


_REPORT_NODE_STATUS = _ReportNodeStatus()


@attrs.frozen
class _Register:
    """Try to register the node again (the apiserver could not be reached)."""


#: The kubelet's registration back-off: 100 ms doubling to 7 s (kubelet_node_status.go).
_REGISTER_FIRST_DELAY = 0.1
_REGISTER_MAX_DELAY = 7.0
#: ``evolve`` of what a Lease renewal copies, without its call (``evolver``): a kubelet
#: renews every 10 s.
_evolve_lease_spec: Final = evolver(LeaseSpec)
_evolve_lease: Final = evolver(Lease)


class Kubelet(Actor):
    """The node agent of ``node``; containers run in ``runtime``."""

    component = "kubelet"

    def __init__(
        self,
        client: Client,
        runtime: ContainerRuntime,
        node: NodeConfig,
        *,
        host_ip: str = "127.0.0.1",
        timings: KubeletTimings | None = None,
        recorder: EventRecorder | None = None,
        services: SharedInformer[Service] | None = None,
    ) -> None:
        self.client = client
        #: The Services informer of the host this kubelet shares with others (a ``Cluster``'s
        #: nodes share one), run by its owner; None: the kubelet runs its own.
        self.host_services = services
        self.runtime = runtime
        self.node = node
        self.host_ip = host_ip
        self.timings = timings or KubeletTimings()
        self.ctx = KubeletContext(
            client=client,
            runtime=runtime,
            node=node,
            host_ip=host_ip,
            timings=self.timings,
            recorder=recorder,
        )
        self.workers: dict[str, ActorRef] = {}
        self.stats = StatsProvider(runtime, node.name)
        self.admitted = _Admitted()
        self._changed: dict[str, Pod | None] = {}
        self._dispatch_pending = False
        self._last_report = float("-inf")
        self._lease: Lease | None = None
        #: This node's Node, watched by name (the kubelet's nodeInformer): a status check
        #: reads it from here while the watch is open instead of asking the apiserver.
        self._own_node: SharedInformer[Node] | None = None
        self._register_delay = _REGISTER_FIRST_DELAY
        #: What this kubelet reports, without times: a node status check builds the status
        #: to write only when the reported one differs from it or a report is due. Made at
        #: the first check that needs it (registration reports without asking).
        self._essence: object = None
        #: The last reported status found to have that essence: the apiserver hands out the
        #: very object it stores, so an unchanged Node costs an identity test, not a compare.
        self._matching_status: NodeStatus | None = None
        #: Reads the wall clock to the whole second: the running loop's from start (a
        #: renewal every 10 s reads it without looking the loop up).
        self._clock: Callable[[], dt.datetime] = wall_clock_whole_seconds
        #: Reads the running loop's clock (``self.now``): from start, the loop's own
        #: ``time`` (every heartbeat's status check reads it, without looking the loop up).
        self._monotonic: Callable[[], float] = monotonic
        #: The heartbeat's callbacks, bound once: a bound method made for each timer or
        #: renewal lives as long as they do (10 s, or a renewal's round trip), long enough
        #: for the collector to move it to its oldest generation, whose full collections
        #: rescan the whole cluster as often as that generation grows by a quarter.
        self._heartbeat_callback: Callable[[], None] = self._heartbeat
        self._lease_renewed_callback: Callable[[asyncio.Future[Lease]], None] = self._lease_renewed

    # -------------------------------------------------------------------------- start

    async def on_start(self) -> None:
        self._clock = whole_seconds_clock()
        self._monotonic = asyncio.get_running_loop().time
        await self._clean_runtime()
        await self._start_registered()

    async def _start_registered(self) -> None:
        """Register, then start the heartbeats and the watches. A kubelet that cannot reach
        the apiserver keeps trying with back-off, as the kubelet's registration loop does,
        instead of failing (a crash loop would take its supervisor down with it)."""
        try:
            node = await self._register()
        except (ServiceUnavailable, TooManyRequests, ActorError) as error:
            delay = self._register_delay
            self._register_delay = min(delay * 2, _REGISTER_MAX_DELAY)
            self.log.info("node_registration_failed", error=str(error), retry_in=delay)
            self.send_after(delay, _Register())
            return
        await self._renew_lease(node)
        self._own_node = SharedInformer(
            self.client, Node, field_selector=f"metadata.name={self.node.name}"
        )
        self.start_soon(self._own_node.run, name=f"{self.name}:node")
        informer: SharedInformer[Pod] = SharedInformer(
            self.client, Pod, field_selector=f"spec.nodeName={self.node.name}"
        )
        informer.add_event_handler(_PodChanges(self))
        self.start_soon(informer.run, name=f"{self.name}:pods")
        if self.host_services is not None:
            self.ctx.services = self.host_services
        else:
            self.ctx.services = SharedInformer(self.client, Service)
            self.start_soon(self.ctx.services.run, name=f"{self.name}:services")
        if self.timings.lease_renew_interval == self.timings.node_status_update_frequency:
            self.call_after(self.timings.lease_renew_interval, self._heartbeat_callback)
        else:
            self.send_after(self.timings.lease_renew_interval, _RenewLease())
            self.send_after(self.timings.node_status_update_frequency, _CheckNodeStatus())

    async def on_stop(self) -> None:
        self.ctx.exits.cancel_all()  # the pod workers, children, cancelled theirs already

    async def on_failure(self, error: BaseException) -> None:
        self.ctx.exits.cancel_all()

    async def receive(self, message: Any) -> Any:
        match message:
            case _Heartbeat():  # a heartbeat whose renewal is to be awaited (``_heartbeat``)
                await self._renew_lease()
                if self._status_to_report():
                    await self._report_node_status()
                self.call_after(self.timings.lease_renew_interval, self._heartbeat_callback)
            case _ReportNodeStatus():
                await self._report_node_status()
                self.call_after(self.timings.lease_renew_interval, self._heartbeat_callback)
            case _Register():
                await self._start_registered()
            case _Dispatch():
                await self._dispatch()
            case _RenewLease():
                await self._renew_lease()
                self.send_after(self.timings.lease_renew_interval, _RenewLease())
            case AbandonContainers():
                self.ctx.abandon = True
            case GetSummary():
                return await self.stats.summary()
            case _CheckNodeStatus():
                if self._status_to_report():
                    await self._report_node_status()
                self.send_after(self.timings.node_status_update_frequency, _CheckNodeStatus())
        return None

    async def _clean_runtime(self) -> None:
        """A kubelet starting over owns nothing yet: what an earlier one left goes."""
        for sandbox in await self.runtime.list_pod_sandboxes():
            for container in await self.runtime.list_containers(sandbox_id=sandbox.id):
                await self.runtime.stop_container(container.id, 0)
            await self.runtime.stop_pod_sandbox(sandbox.id)
            await self.runtime.remove_pod_sandbox(sandbox.id)

    # ----------------------------------------------------------------------- the node

    async def _register(self) -> Node:
        """Create (or adopt) this node's Node and report its first status; the Node as
        registered (its uid is what the node's Lease is owned by)."""
        desired = desired_node(self.node, self.host_ip)
        try:
            node = await self.client.create(desired)
        except AlreadyExists:
            current = await self.client.get(Node, self.node.name)
            node = await self.client.update(
                attrs.evolve(
                    current,
                    metadata=attrs.evolve(
                        current.metadata,
                        labels={**current.metadata.labels, **desired.metadata.labels},
                    ),
                    spec=attrs.evolve(
                        current.spec, taints=desired.spec.taints, pod_cidr=desired.spec.pod_cidr
                    ),
                )
            )
        self._node_event(node, "Starting", "Starting kubelet.")
        await self._report_node_status(node, force=True)
        return node

    def _node_event(self, node: Node, reason: str, message: str) -> None:
        if self.ctx.recorder is not None:
            self.ctx.recorder.event(node, "Normal", reason, message)

    async def _report_node_status(self, node: Node | None = None, *, force: bool = False) -> None:
        try:
            if node is None:
                node = self._watched_node()
            if node is None:
                node = await self.client.get(Node, self.node.name)
            if force or self._report_wanted(node):
                desired = node_status(self.node, self.host_ip, _now(), node.status)
                for reason in condition_events(node.status, desired):
                    self._node_event(
                        node, reason, f"Node {node.metadata.name} status is now: {reason}"
                    )
                await self.client.update_status(
                    evolve(
                        node, metadata=evolve(node.metadata, resource_version=""), status=desired
                    )
                )
                self._last_report = self._monotonic()
        except KubeActorsError as error:
            self.log.warning("node_status_failed", error=str(error))

    def _status_to_report(self) -> bool:
        """Whether a status check may report: false when the watched Node reports what
        this kubelet reports and the last report is recent (``_report_node_status`` would
        do nothing: an idle node's every heartbeat, decided without a coroutine)."""
        informer = self._own_node
        node = None if informer is None else informer.watched(self.node.name)
        return node is None or self._report_wanted(node)

    def _report_wanted(self, node: Node) -> bool:
        """Whether ``node``'s status is to be reported: the report is due again, or the
        status is not what this kubelet reports."""
        due = self._monotonic() - self._last_report >= self.timings.node_status_report_frequency
        status = node.status
        # The identity test first: ``_reports_essence``'s own, without its call.
        return due or (status is not self._matching_status and not self._reports_essence(status))

    def _watched_node(self) -> Node | None:
        """This node's Node as the open watch of it has it; None while it is not watched
        (starting, re-listing, cut off), when the status check asks the apiserver."""
        informer = self._own_node
        return None if informer is None else informer.watched(self.node.name)

    def _reports_essence(self, status: NodeStatus) -> bool:
        """Whether the Node's reported status is what this kubelet reports, times aside."""
        if status is self._matching_status:
            return True
        if self._essence is None:
            self._essence = status_essence(
                node_status(self.node, self.host_ip, DEFAULT_EPOCH, None)
            )
        if status_essence(status) != self._essence:
            return False
        self._matching_status = status
        return True

    def _heartbeat(self) -> None:
        """Every 10 s (``call_after``): renew the Lease, then check the node status
        (``_lease_renewed``). An idle kubelet's heartbeat is these two callbacks alone,
        without a message or a wake-up of its task; a renewal to be awaited (the first, or
        after a failure) is the ``_Heartbeat`` message's."""
        if not self._renew_lease_nowait():
            self.send_after(0, _HEARTBEAT)

    def _renew_lease_nowait(self) -> bool:
        """A heartbeat's usual renewal (``_renew_lease``'s first way), sent without a
        coroutine to wait for the answer, which ``_lease_renewed`` takes; False when the
        renewal is not the usual one or must be awaited (``_renew_lease`` then).

        A thousand kubelets renew every 10 s: a handler waiting for each answer was
        resumed once more a heartbeat, through every coroutine between it and the ask.
        Kubernetes' lease controller runs beside the kubelet's other loops too; the next
        heartbeat is still armed once the answer is in, as the handler armed it."""
        current = self._lease
        if current is None or not current.metadata.owner_references:
            return False
        reply = self.client.update_nowait(self._renewal_of(current))
        if reply is None:
            return False
        self.when_done(reply, self._lease_renewed_callback)
        return True

    def _renewal_of(self, current: Lease) -> Lease:
        """The lease controller's renewal: a copy of the Lease it last wrote, renewed now
        (only a Lease without its owner needs the Node read, setNodeOwnerFunc)."""
        spec = current.spec
        holder, duration = self.node.name, self.timings.node_lease_duration
        if spec.holder_identity == holder and spec.lease_duration_seconds == duration:
            # The usual renewal: one field.
            spec = _evolve_lease_spec(spec, renew_time=self._clock())
        else:
            spec = evolve(
                spec,
                holder_identity=holder,
                lease_duration_seconds=duration,
                renew_time=self._clock(),
            )
        return _evolve_lease(current, spec=spec)

    def _lease_renewed(self, reply: asyncio.Future[Lease]) -> None:
        """The rest of a heartbeat whose renewal ``_renew_lease_nowait`` sent, once it is
        answered: what ``_renew_lease`` makes of the answer, then the status check, and the
        next heartbeat armed (after the status report, if one is to be made)."""
        try:
            self._lease = self.client.answer(reply)
        except KubeActorsError as error:
            self._renewal_failed(error)
        if self._status_to_report():
            self.send_after(0, _REPORT_NODE_STATUS)
        else:
            self.call_after(self.timings.lease_renew_interval, self._heartbeat_callback)

    async def _renew_lease(self, registered: Node | None = None) -> None:
        """Renew (or create) the node's Lease, owned by its Node: ``registered``, the Node
        this kubelet has just registered, spares reading it back (setNodeOwnerFunc's GET)."""
        try:
            current = self._lease
            if current is not None and current.metadata.owner_references:
                self._lease = await self.client.update(self._renewal_of(current))
                return
            node = (
                registered
                if registered is not None
                else await self.client.get(Node, self.node.name)
            )
            desired = lease_for(node, self.timings.node_lease_duration, _now())
            if current is None:
                try:
                    current = await self.client.get(
                        Lease, self.node.name, namespace=LEASE_NAMESPACE
                    )
                except NotFound:
                    self._lease = await self.client.create(desired)
                    return
            meta = current.metadata
            if not meta.owner_references:
                meta = attrs.evolve(meta, owner_references=desired.metadata.owner_references)
            self._lease = await self.client.update(
                attrs.evolve(current, metadata=meta, spec=desired.spec)
            )
        except KubeActorsError as error:
            self._renewal_failed(error)

    def _renewal_failed(self, error: KubeActorsError) -> None:
        """The Lease is read afresh next time; a failure other than a Conflict (someone else
        wrote it) is logged."""
        self._lease = None
        if not isinstance(error, Conflict):
            self.log.warning("lease_renewal_failed", error=str(error))

    # ----------------------------------------------------------------------- the pods

    def _note(self, uid: str, pod: Pod | None) -> None:
        self._changed[uid] = pod
        if not self._dispatch_pending:
            self._dispatch_pending = True
            # One wake-up at most in the mailbox: a timer message skips the capacity check,
            # and the handler's fold keeps only each pod's newest version.
            self.send_after(0, _Dispatch())

    async def _dispatch(self) -> None:
        self._dispatch_pending = False
        changed, self._changed = self._changed, {}
        for uid, pod in changed.items():
            worker = self.workers.get(uid)
            if pod is None:
                if worker is not None:
                    del self.workers[uid]
                    self.admitted.release(uid)
                    await worker.stop()
                continue
            if worker is not None:
                if worker.alive:
                    await worker.tell(PodChanged(pod))
                else:
                    del self.workers[uid]
                    self.admitted.release(uid)
                continue
            if is_pod_terminal(pod) and pod.metadata.deletion_timestamp is None:
                continue  # finished before this kubelet started: nothing to run
            if not await self._admit(pod):
                continue
            self.workers[uid] = await self.spawn(
                functools.partial(PodWorker, self.ctx, pod),  # two objects, a lambda's four
                name=f"{self.name}/{pod.metadata.namespace}/{pod.metadata.name}",
            )

    async def _admit(self, pod: Pod) -> bool:
        # In nano-units, exact: a Quantity a sum and a comparison cost several calls each.
        requests = pod_requests(pod)
        allocatable = self.node.allocatable
        admitted = self.admitted
        for resource in _ADMITTED_RESOURCES:
            capacity = allocatable.get(resource)
            if capacity is None:
                continue
            if resource == "pods":
                wanted, used = _NANO, admitted.count() * _NANO
            else:
                request = requests.get(resource)
                wanted = 0 if request is None else request.nano_value
                used = admitted.used(resource)
            if used + wanted > capacity.nano_value:
                await self._reject(pod, resource, wanted, used, capacity.nano_value)
                return False
        admitted.admit(pod.metadata.uid, requests)
        return True

    async def _reject(self, pod: Pod, resource: str, wanted: int, used: int, capacity: int) -> None:
        """``pod`` refused for want of ``resource`` (amounts in nano-units)."""
        # As Quantity's milli_value (CPU) and value (the rest) round: up.
        unit = _NANO // 1000 if resource == "cpu" else _NANO

        def amount(nanos: int) -> int:
            return -(-nanos // unit)

        message = (
            f"Pod was rejected: Node didn't have enough resource: {resource}, "
            f"requested: {amount(wanted)}, used: {amount(used)}, capacity: {amount(capacity)}"
        )
        reason = f"OutOf{resource}"
        status = attrs.evolve(pod.status, phase="Failed", reason=reason, message=message)
        try:
            await self.client.update_status(
                attrs.evolve(
                    pod,
                    metadata=attrs.evolve(pod.metadata, resource_version=""),
                    status=status,
                )
            )
        except KubeActorsError as error:
            self.log.warning("pod_reject_failed", error=str(error))
        if self.ctx.recorder is not None:
            self.ctx.recorder.event(pod, "Warning", reason, message)


class _PodChanges:
    """The kubelet's handler of its pods' informer: notes which pods changed. One small
    object, where a handler of functions would keep three (a bound method each, a lambda
    and its cell) for each of a cluster's thousands of kubelets."""

    __slots__ = ("_kubelet",)

    def __init__(self, kubelet: Kubelet) -> None:
        self._kubelet = kubelet

    def on_add(self, pod: Pod) -> None:
        self._kubelet._note(pod.metadata.uid, pod)

    def on_update(self, old: Pod, new: Pod) -> None:
        self._kubelet._note(new.metadata.uid, new)

    def on_delete(self, pod: Pod) -> None:
        self._kubelet._note(pod.metadata.uid, None)


#: What admission compares with the node's allocatable (as the kubelet's resource fit).
_ADMITTED_RESOURCES = ("cpu", "memory", "pods")
#: Nano-units in a unit (``Quantity.nano_value``).
_NANO = 10**9


class _Admitted:
    """The pods this kubelet admitted, with what they request summed as they come and go:
    admitting a pod compares against the sums, where adding up every admitted pod for each
    new one cost the square of a node's pods. The sums are exact, in nano-units."""

    def __init__(self) -> None:
        self._requests: dict[str, Mapping[str, Quantity]] = {}
        self._used: dict[str, int] = {}

    def count(self) -> int:
        """How many pods are admitted."""
        return len(self._requests)

    def used(self, resource: str) -> int:
        """What the admitted pods request of ``resource``, in nano-units."""
        return self._used.get(resource, 0)

    def admit(self, uid: str, requests: Mapping[str, Quantity]) -> None:
        if uid in self._requests:
            self.release(uid)
        self._requests[uid] = requests
        used = self._used
        for resource, amount in requests.items():
            used[resource] = used.get(resource, 0) + amount.nano_value

    def release(self, uid: str) -> None:
        requests = self._requests.pop(uid, None)
        if not requests:
            return
        used = self._used
        for resource, amount in requests.items():
            left = used[resource] - amount.nano_value
            if left == 0:
                del used[resource]
            else:
                used[resource] = left


def _now() -> Any:
    return wall_clock_whole_seconds()
