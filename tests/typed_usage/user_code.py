"""The public API as a user's code holds it: ``mypy --strict`` checks this file (it is under
``tests``, which the mypy configuration covers), and tests/test_public_api.py runs it.

Nothing here reaches into a private module: if this stops type-checking, users' code does too.
"""

from __future__ import annotations

from collections.abc import Iterable

from kube_actors import ApplyResult, Client, Cluster, Fault, SyncCluster
from kube_actors.actors import ActorRef, monotonic, run
from kube_actors.api import Deployment, Node, ObjectMeta, Pod, Service
from kube_actors.client import Reader, StatusWriter, Writer, ignore_not_found
from kube_actors.errors import ApiError, NotFound
from kube_actors.reconcile import ControllerSpec, Request, Result

MANIFEST = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
"""


class LabelCounter:
    """A user's reconciler: counts the Deployments it saw, through its own client."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.seen: set[str] = set()

    async def reconcile(self, request: Request) -> Result:
        found: Deployment | None = await ignore_not_found(
            self.client.get(Deployment, request.name, namespace=request.namespace)
        )
        if found is not None:
            self.seen.add(found.metadata.name)
        return Result()


def as_roles(client: Client) -> tuple[Reader, Writer, StatusWriter]:
    """A client is a Reader, a Writer and a StatusWriter: mypy checks it against each."""
    return client, client, client


def pods_of_nodes(node: Node) -> Iterable[Request]:
    return [Request("", node.metadata.name)]


async def embed() -> list[str]:
    printed: list[str] = []
    async with Cluster(nodes=2, clock="virtual", seed=1) as cluster:
        results: list[ApplyResult] = await cluster.apply(MANIFEST)
        printed.extend(str(result) for result in results)
        changed: bool = results[0].changed
        assert changed
        web: Deployment = await cluster.wait_for(Deployment, "web", condition="Available")
        printed.append(f"{web.metadata.name}: {web.status.available_replicas} available")
        pods: list[Pod] = await cluster.client.list(Pod, label_selector={"app": "web"})
        assert len(pods) == 2
        reader, _, _ = as_roles(cluster.client)
        assert len(await reader.list(Pod, label_selector={"app": "web"})) == 2

        counter = LabelCounter(cluster.client)
        ref: ActorRef = await cluster.add_controller(
            counter, for_=Deployment, watches=[(Node, pods_of_nodes)], name="counter"
        )
        spec = ControllerSpec(for_=Service, reconciler=LabelCounter(cluster.client))
        await cluster.add_controller(spec)
        await cluster.add_controller(LabelCounter, for_=Pod)

        fault: Fault = cluster.faults.conflicts(component="deployment-controller", count=1)
        with fault:
            await cluster.scale(Deployment, "web", 3)
            await cluster.settle()
        with cluster.faults.latency(0.5, component="kube-scheduler"):
            started = monotonic()
            await cluster.scale(Deployment, "web", 4)
            await cluster.rollout_status("web")
            printed.append(f"rolled out in {monotonic() - started >= 0.5}")
        await cluster.crash(ref.name)
        text: str = await cluster.describe(Deployment, "web")
        assert "Events:" in text
        try:
            await cluster.client.get(Service, "nope", namespace="default")
        except NotFound as error:
            printed.append(error.reason)
        except ApiError:
            raise
        service: Service = await cluster.expose(Deployment, "web", port=80)
        assert service.metadata != ObjectMeta()
        await cluster.client.delete(Deployment, "web", namespace="default")
        await cluster.wait_for(Deployment, "web", condition="delete")
        assert "web" in counter.seen
    return printed


def script() -> None:
    with Cluster(nodes=1, clock="virtual").sync() as cluster:
        assert isinstance(cluster, SyncCluster)
        for result in cluster.apply(MANIFEST):
            print(result)
        cluster.wait_for(Deployment, "web", condition="Available")


def main() -> list[str]:
    return run(embed)
