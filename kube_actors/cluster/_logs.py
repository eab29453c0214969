"""``kubectl logs`` for a Cluster: find the pod's container on its node, read its log.

The options are ``PodLogOptions``': ``limit_bytes``, ``tail_lines``, ``since_seconds`` or
``since_time``, ``timestamps``; ``follow`` is a separate call (an async iterator), which the
``pods/log`` subresource streams.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import attrs

from ..actors import wall_clock
from ..api import Pod
from ..client import Client
from ..errors import KubeActorsError, NotFound
from ..runtime import ContainerRuntime, LogOptions, check_log_options

__all__ = ["LogRequest", "find_log", "follow", "log_options"]


@attrs.frozen(kw_only=True)
class LogRequest:
    """Where a container's log is: its runtime, sandbox and container name."""

    runtime: ContainerRuntime
    sandbox_id: str
    container: str


def log_options(
    pod: str,
    *,
    limit_bytes: int | None,
    tail_lines: int | None,
    since_seconds: int | None,
    since_time: dt.datetime | None,
    timestamps: bool,
) -> LogOptions:
    """The runtime's options for ``kubectl logs``' flags, checked as Kubernetes checks them;
    ``since_seconds`` counts back from the cluster's clock."""
    check_log_options(
        pod,
        limit_bytes=limit_bytes,
        tail_lines=tail_lines,
        since_seconds=since_seconds,
        since_time=since_time,
    )
    if since_seconds is not None:
        since_time = wall_clock() - dt.timedelta(seconds=since_seconds)
    return LogOptions(
        limit_bytes=limit_bytes, tail_lines=tail_lines, since_time=since_time, timestamps=timestamps
    )


async def find_log(
    client: Client,
    runtime_of: dict[str, ContainerRuntime],
    pod: str,
    container: str | None,
    namespace: str,
) -> LogRequest:
    """The log of ``container`` (which may be left out for a one-container pod)."""
    found = await client.get(Pod, pod, namespace=namespace)
    if container is None:
        names = [c.name for c in found.spec.containers]
        if len(names) != 1:
            raise KubeActorsError(
                f"a container name must be specified for pod {pod}, choose one of: {names}"
            )
        container = names[0]
    runtime = runtime_of.get(found.spec.node_name)
    if runtime is not None:
        for sandbox in reversed(await runtime.list_pod_sandboxes()):
            if sandbox.config.uid == found.metadata.uid:
                return LogRequest(runtime=runtime, sandbox_id=sandbox.id, container=container)
    raise NotFound(f'pod "{pod}" has no containers on its node (yet)')


async def follow(request: LogRequest, previous: bool, options: LogOptions) -> AsyncIterator[str]:
    async for text in request.runtime.follow_logs(
        request.sandbox_id, request.container, previous=previous, options=options
    ):
        yield text
