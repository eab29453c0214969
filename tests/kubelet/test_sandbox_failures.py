"""A runtime that cannot make a pod's sandbox: a FailedCreatePodSandBox Event, the pod stays
ContainerCreating, and the kubelet tries again 10 s later (a refused pod address, say)."""

from __future__ import annotations

from kube_actors import Cluster
from kube_actors.actors import monotonic
from kube_actors.api import Event, Pod, load_manifests
from kube_actors.errors import ContainerRuntimeError
from kube_actors.kubelet import NodeConfig
from kube_actors.runtime import ContainerRuntime, FakeRuntime, PodSandboxConfig

POD = """
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default}
spec:
  nodeName: control-plane
  containers: [{name: web, image: nginx}]
"""


class RefusingRuntime(FakeRuntime):
    """Refuses the first ``refusals`` sandboxes, as a host that will not take the address."""

    def __init__(self, refusals: int) -> None:
        super().__init__()
        self.refusals = refusals
        self.ips_asked: list[str] = []

    async def run_pod_sandbox(self, config: PodSandboxConfig) -> str:
        self.ips_asked.append(config.ip)
        if self.refusals:
            self.refusals -= 1
            raise ContainerRuntimeError(f"cannot give the pod its address {config.ip}")
        return await super().run_pod_sandbox(config)


async def test_a_sandbox_the_runtime_refuses_is_an_event_and_is_tried_again_later() -> None:
    runtimes: list[RefusingRuntime] = []

    def refusing(config: NodeConfig) -> ContainerRuntime:
        runtimes.append(RefusingRuntime(refusals=2))
        return runtimes[-1]

    async with Cluster(nodes=1, runtime=refusing) as cluster:
        started = monotonic()
        await cluster.client.create(load_manifests(POD)[0])
        await cluster.settle(horizon=5)
        waiting = await cluster.client.get(Pod, "web", namespace="default")
        await cluster.wait_for(Pod, "web", condition="Ready", timeout=60)
        took = monotonic() - started
        events = await cluster.client.list(Event, namespace="default")
    [status] = waiting.status.container_statuses
    assert status.state.waiting is not None
    assert status.state.waiting.reason == "ContainerCreating"
    [failed] = [e for e in events if e.reason == "FailedCreatePodSandBox"]
    assert failed.type == "Warning"
    assert failed.count == 2
    assert failed.message.startswith("Failed to create pod sandbox: cannot give the pod its")
    [runtime] = runtimes
    assert len(set(runtime.ips_asked)) == 1  # the refused address went back to the pool
    assert 20 <= took < 21  # tried at 0, 10 and 20 s
