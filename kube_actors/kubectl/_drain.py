"""``kubectl cordon``, ``uncordon`` and ``drain``, over any ``Client``.

``drain`` does what kubectl's does: it cordons the Node, lists its Pods, refuses (before
evicting anything) when one of them cannot go without a flag — a DaemonSet's Pod without
``ignore_daemonsets`` (with it, the Pod is left where it is), a Pod with an ``emptyDir``
without ``delete_emptydir_data``, a Pod no controller owns without ``force`` — then evicts
each Pod through the ``pods/eviction`` subresource, trying again every 5 seconds while a
PodDisruptionBudget refuses (429), and waits until each evicted Pod is gone. Mirror Pods and
finished Pods need no eviction budget and are handled the same way. All waiting is on the
running clock, so a drain in virtual time takes the simulated time a real one would.
"""

from __future__ import annotations

from collections.abc import Callable

import anyio

from ..api import DeleteOptions, Eviction, Node, ObjectMeta, Pod, controller_of
from ..client import Client
from ..errors import KubeActorsError, NotFound, TooManyRequests

__all__ = ["EVICTION_RETRY", "cordon", "drain", "uncordon"]

#: How long kubectl waits before evicting a Pod again after a disruption budget refused.
EVICTION_RETRY = 5.0
#: How often kubectl looks whether an evicted Pod is gone.
_DELETE_POLL = 1.0
_MIRROR_ANNOTATION = "kubernetes.io/config.mirror"


async def cordon(client: Client, node: str, *, unschedulable: bool = True) -> Node:
    """``kubectl cordon``: no new Pod is scheduled on ``node`` (``uncordon`` undoes it)."""
    patched: Node = await client.patch(
        Node, node, {"spec": {"unschedulable": True if unschedulable else None}}
    )
    return patched


async def uncordon(client: Client, node: str) -> Node:
    """``kubectl uncordon``."""
    return await cordon(client, node, unschedulable=False)


async def drain(
    client: Client,
    node: str,
    *,
    ignore_daemonsets: bool = False,
    delete_emptydir_data: bool = False,
    force: bool = False,
    grace_period_seconds: int | None = None,
    timeout: float | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> list[str]:
    """``kubectl drain``: the names (``namespace/name``) of the Pods it evicted, once gone.

    A ``TimeoutError`` when ``timeout`` (seconds on the running clock) passes first.
    """
    say = on_progress or (lambda line: None)
    await cordon(client, node)
    say(f"node/{node} cordoned")
    pods = await client.list(Pod, field_selector=f"spec.nodeName={node}")
    evicting, ignored, problems = _sort_out(pods, ignore_daemonsets, delete_emptydir_data, force)
    if problems:
        raise KubeActorsError(
            f'unable to drain node "{node}" due to error: [{", ".join(problems)}]'
        )
    if ignored:
        say(f"Warning: ignoring DaemonSet-managed Pods: {', '.join(ignored)}")
    options = DeleteOptions(grace_period_seconds=grace_period_seconds)
    with anyio.fail_after(timeout):
        async with anyio.create_task_group() as group:
            for pod in evicting:
                group.start_soon(_evict_and_wait, client, pod, options, say)
    say(f"node/{node} drained")
    return [f"{p.metadata.namespace}/{p.metadata.name}" for p in evicting]


def _sort_out(
    pods: list[Pod], ignore_daemonsets: bool, delete_emptydir_data: bool, force: bool
) -> tuple[list[Pod], list[str], list[str]]:
    evicting: list[Pod] = []
    ignored: list[str] = []
    problems: list[str] = []
    for pod in pods:
        name = f"{pod.metadata.namespace}/{pod.metadata.name}"
        finished = pod.status.phase in ("Succeeded", "Failed")
        owner = controller_of(pod)
        if _MIRROR_ANNOTATION in pod.metadata.annotations:
            continue  # the kubelet's own: deleting it through the API does nothing
        if owner is not None and owner.kind == "DaemonSet" and not finished:
            if ignore_daemonsets:
                ignored.append(name)
            else:
                problems.append(
                    f"cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): "
                    f"{name}"
                )
            continue
        if owner is None and not finished and not force:
            problems.append(
                f"cannot delete Pods that declare no controller (use --force to override): {name}"
            )
            continue
        local = any(v.empty_dir is not None for v in pod.spec.volumes)
        if local and not finished and not delete_emptydir_data:
            problems.append(
                "cannot delete Pods with local storage (use --delete-emptydir-data to "
                f"override): {name}"
            )
            continue
        evicting.append(pod)
    return evicting, ignored, problems


async def _evict_and_wait(
    client: Client, pod: Pod, options: DeleteOptions, say: Callable[[str], None]
) -> None:
    meta = pod.metadata
    eviction = Eviction(
        metadata=ObjectMeta(name=meta.name, namespace=meta.namespace), delete_options=options
    )
    while True:
        try:
            await client.create(eviction)
            break
        except NotFound:
            return
        except TooManyRequests as refused:
            say(
                f'error when evicting pods/"{meta.name}" -n "{meta.namespace}" (will retry '
                f"after 5s): {refused.message}"
            )
            await anyio.sleep(EVICTION_RETRY)
    say(f"evicting pod {meta.namespace}/{meta.name}")
    while True:
        try:
            current = await client.get(Pod, meta.name, namespace=meta.namespace)
        except NotFound:
            break
        if current.metadata.uid != meta.uid:
            break
        await anyio.sleep(_DELETE_POLL)
    say(f"pod/{meta.name} evicted")
