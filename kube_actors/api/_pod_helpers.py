"""Pod helpers the controllers, the kubelet and the scheduler share: whether a Pod is active,
terminal or ready, and its resource requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from kube_actors.errors import BadRequest

from ._base import FrozenDict
from ._conditions import get_condition
from ._pod import Pod
from ._quantity import Quantity

__all__ = [
    "TERMINAL_PHASES",
    "is_pod_active",
    "is_pod_available",
    "is_pod_ready",
    "is_pod_terminal",
    "pod_limits",
    "pod_requests",
    "requested_container",
]

#: The phases a Pod never leaves: its containers will not run again.
TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})


def is_pod_terminal(pod: Pod) -> bool:
    """Succeeded or Failed: the Pod will not run again (Kubernetes' ``IsPodTerminal``)."""
    return pod.status.phase in TERMINAL_PHASES


def is_pod_active(pod: Pod) -> bool:
    """Neither finished nor being deleted (Kubernetes' ``IsPodActive``, what
    ``FilterActivePods`` keeps)."""
    return pod.metadata.deletion_timestamp is None and pod.status.phase not in TERMINAL_PHASES


def requested_container(pod: Pod, container: str) -> str:
    """The container a ``log``, ``exec`` or ``attach`` request of ``pod`` means: ``container``,
    or the only one when left empty; ``BadRequest`` worded as the apiserver words it."""
    names = [c.name for c in pod.spec.containers]
    if not container:
        if len(names) != 1:
            raise BadRequest(
                f"a container name must be specified for pod {pod.metadata.name}, "
                f"choose one of: [{' '.join(names)}]"
            )
        return names[0]
    if container not in names:
        raise BadRequest(f"container {container} is not valid for pod {pod.metadata.name}")
    return container


def is_pod_ready(pod: Pod) -> bool:
    """Whether the Pod's Ready condition is True."""
    ready = get_condition(pod.status.conditions, "Ready")
    return ready is not None and ready.status == "True"


def is_pod_available(pod: Pod, min_ready_seconds: int, now: dt.datetime) -> bool:
    """Ready for at least ``min_ready_seconds`` (what Deployments count as available)."""
    ready = get_condition(pod.status.conditions, "Ready")
    if ready is None or ready.status != "True":
        return False
    if min_ready_seconds <= 0:
        return True
    since = ready.last_transition_time
    return since is not None and since + dt.timedelta(seconds=min_ready_seconds) <= now


def pod_requests(pod: Pod) -> Mapping[str, Quantity]:
    """What the scheduler reserves for a Pod, resource by resource.

    Containers run together, so their requests add up; init containers run one at a time
    before them, so only the largest counts: ``max(sum(containers), max(init containers))``.
    Sidecars (init containers with ``restartPolicy: Always``) keep running, so each one adds
    to everything that starts after it. The Pod's ``overhead`` is added on top.
    """
    return _effective(pod, "requests")


def pod_limits(pod: Pod) -> Mapping[str, Quantity]:
    """A Pod's effective limits, added up as ``pod_requests`` adds requests (what quotas
    charge as ``limits.<resource>``)."""
    return _effective(pod, "limits")


def _effective(pod: Pod, which: str) -> Mapping[str, Quantity]:
    spec = pod.spec
    if len(spec.containers) == 1 and not spec.init_containers and not spec.overhead:
        # The usual Pod: with one container and nothing to add or compare, its amounts are
        # the Pod's (``_summed`` would copy them into an equal mapping). The scheduler asks
        # this of every Pod it queues.
        amounts: Mapping[str, Quantity] = getattr(spec.containers[0].resources, which)
        return amounts
    return _summed(pod, which)


def _summed(pod: Pod, which: str) -> Mapping[str, Quantity]:
    """The general rule: containers summed, init containers at their peak, overhead added."""
    spec = pod.spec
    sidecars: dict[str, Quantity] = {}
    init_peak: dict[str, Quantity] = {}
    for init in spec.init_containers:
        amounts = getattr(init.resources, which)
        if init.restart_policy == "Always":
            _add_into(sidecars, amounts)
            _max_into(init_peak, sidecars)
        else:
            _max_into(init_peak, _sum((amounts, sidecars)))
    total = _sum([getattr(c.resources, which) for c in spec.containers] + [sidecars])
    _max_into(total, init_peak)
    _add_into(total, spec.overhead)
    return FrozenDict(total)


def _sum(lists: Iterable[Mapping[str, Quantity]]) -> dict[str, Quantity]:
    total: dict[str, Quantity] = {}
    for resources in lists:
        _add_into(total, resources)
    return total


def _add_into(total: dict[str, Quantity], resources: Mapping[str, Quantity]) -> None:
    for name, amount in resources.items():
        current = total.get(name)
        total[name] = amount if current is None else current + amount


def _max_into(total: dict[str, Quantity], resources: Mapping[str, Quantity]) -> None:
    for name, amount in resources.items():
        current = total.get(name)
        if current is None or amount > current:
            total[name] = amount
