"""The kubelet's side of exec, attach and port-forward: from a Pod to its runtime's objects.

Kubernetes' apiserver hands these verbs to the Pod's kubelet, which finds the Pod's sandbox
and the running container in its runtime and asks the runtime to stream (CRI's Exec, Attach
and PortForward). The errors are the kubelet's: a container that does not run cannot be
exec'd into, and a runtime that cannot stream says so.
"""

from __future__ import annotations

from kube_actors.api import Pod
from kube_actors.errors import BadRequest, NotFound
from kube_actors.runtime import ContainerRuntime, ContainerState, StreamingRuntime

__all__ = ["pod_sandbox", "running_container", "streaming"]


def streaming(runtime: ContainerRuntime) -> StreamingRuntime:
    """The runtime's streaming side; ``BadRequest`` for a runtime without one."""
    if not isinstance(runtime, StreamingRuntime):
        raise BadRequest(
            f"the container runtime {runtime.runtime_name!r} does not stream "
            "(exec, attach and port-forward need a StreamingRuntime)"
        )
    return runtime


async def pod_sandbox(runtime: ContainerRuntime, pod: Pod) -> str:
    """The id of the Pod's newest sandbox on the node."""
    for sandbox in reversed(await runtime.list_pod_sandboxes()):
        if sandbox.config.uid == pod.metadata.uid:
            return sandbox.id
    raise NotFound(f'pod "{pod.metadata.name}" has no sandbox on its node (yet)')


async def running_container(runtime: ContainerRuntime, pod: Pod, container: str) -> str:
    """The id of the running instance of ``container``; the kubelet's error if none runs."""
    sandbox_id = await pod_sandbox(runtime, pod)
    running = await runtime.list_containers(
        sandbox_id=sandbox_id, name=container, state=ContainerState.RUNNING
    )
    if not running:
        raise BadRequest(f'unable to upgrade connection: container not found ("{container}")')
    return running[-1].id
