"""A controller for your own kind: a WorkerPool keeps a Deployment and a Service in step with it.

    python examples/worker_pool.py

``WorkerPool`` (``example.com/v1``) says how many workers to run, from which image and
command, listening on which port. Its controller, ``WorkerPoolReconciler``, makes sure that
a Deployment runs that many Pods of that image and a Service reaches them on that port,
both owned by the WorkerPool (so deleting the pool deletes them, through the garbage
collector), and reports how many workers are ready in the pool's status. It runs next to
Kubernetes' own controllers, on the same informers, work queue and back-off.

The cluster here runs on virtual time with fake containers, so the script takes a moment;
give the cluster ``runtime="subprocess"`` and ``clock="real"`` to run real processes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import attrs
import structlog

from kube_actors import Client, Cluster
from kube_actors.actors import run
from kube_actors.api import (
    Container,
    ContainerPort,
    Deployment,
    DeploymentSpec,
    LabelSelector,
    ObjectMeta,
    PodSpec,
    PodTemplateSpec,
    Service,
    ServicePort,
    ServiceSpec,
    omitempty,
    owner_reference,
    register_kind,
)
from kube_actors.client import ignore_not_found
from kube_actors.errors import FieldCause
from kube_actors.reconcile import Request, Result

# ------------------------------------------------------------------------------ the kind


@attrs.frozen(kw_only=True)
class WorkerPoolSpec:
    replicas: int = 1
    image: str = ""
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    port: int = 8080


@attrs.frozen(kw_only=True)
class WorkerPoolStatus:
    ready_replicas: int = omitempty(0)
    observed_generation: int = omitempty(0)


@attrs.frozen(kw_only=True)
class WorkerPool:
    api_version: ClassVar[str] = "example.com/v1"
    kind: ClassVar[str] = "WorkerPool"

    metadata: ObjectMeta = attrs.field(factory=ObjectMeta)
    spec: WorkerPoolSpec = attrs.field(factory=WorkerPoolSpec)
    status: WorkerPoolStatus = attrs.field(factory=WorkerPoolStatus)


def validate_worker_pool(pool: Any, old: Any) -> Iterator[FieldCause]:
    """What the apiserver checks of a WorkerPool, besides its metadata."""
    if pool.spec.replicas < 0:
        yield FieldCause(
            field="spec.replicas",
            message=f"Invalid value: {pool.spec.replicas}: must be greater than or equal to 0",
        )
    if not pool.spec.image:
        yield FieldCause(field="spec.image", message="Required value", type="FieldValueRequired")
    if not 1 <= pool.spec.port <= 65535:
        yield FieldCause(
            field="spec.port",
            message=f"Invalid value: {pool.spec.port}: must be between 1 and 65535, inclusive",
        )


register_kind(WorkerPool, validate=validate_worker_pool)

# ------------------------------------------------------------------------ the controller


class WorkerPoolReconciler:
    """Keeps a pool's Deployment and Service as its spec says; reports ready workers."""

    def __init__(self, client: Client) -> None:
        self.client = client

    async def reconcile(self, request: Request) -> Result:
        pool = await ignore_not_found(
            self.client.get(WorkerPool, request.name, namespace=request.namespace)
        )
        if pool is None or pool.metadata.deletion_timestamp is not None:
            return Result()  # the garbage collector deletes what the pool owned
        deployment = await self._ensure(desired_deployment(pool), _deployment_matches)
        await self._ensure(desired_service(pool), _service_matches)
        status = WorkerPoolStatus(
            ready_replicas=deployment.status.ready_replicas or 0,
            observed_generation=pool.metadata.generation,
        )
        if pool.status != status:
            await self.client.update_status(attrs.evolve(pool, status=status))
        return Result()

    async def _ensure(self, desired: Any, matches: Callable[[Any, Any], bool]) -> Any:
        """Create ``desired``, or bring the existing object's spec in line with it."""
        meta = desired.metadata
        current = await ignore_not_found(
            self.client.get(type(desired), meta.name, namespace=meta.namespace)
        )
        if current is None:
            return await self.client.create(desired)
        if matches(current, desired):
            return current
        return await self.client.update(attrs.evolve(current, spec=_merged_spec(current, desired)))


def desired_deployment(pool: WorkerPool) -> Deployment:
    labels = {"workerpool": pool.metadata.name}
    worker = Container(
        name="worker",
        image=pool.spec.image,
        command=pool.spec.command,
        args=pool.spec.args,
        ports=[ContainerPort(container_port=pool.spec.port)],
    )
    return Deployment(
        metadata=_owned_meta(pool, labels),
        spec=DeploymentSpec(
            replicas=pool.spec.replicas,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels), spec=PodSpec(containers=[worker])
            ),
        ),
    )


def desired_service(pool: WorkerPool) -> Service:
    labels = {"workerpool": pool.metadata.name}
    port = ServicePort(port=pool.spec.port, target_port=pool.spec.port)
    return Service(
        metadata=_owned_meta(pool, labels),
        spec=ServiceSpec(selector=labels, ports=[port]),
    )


def _owned_meta(pool: WorkerPool, labels: dict[str, str]) -> ObjectMeta:
    return ObjectMeta(
        name=pool.metadata.name,
        namespace=pool.metadata.namespace,
        labels=labels,
        owner_references=[owner_reference(pool)],
    )


def _worker(deployment: Deployment) -> Container:
    return deployment.spec.template.spec.containers[0]


def _deployment_matches(current: Deployment, desired: Deployment) -> bool:
    have, want = _worker(current), _worker(desired)
    return current.spec.replicas == desired.spec.replicas and (
        have.image,
        have.command,
        have.args,
        have.ports[0].container_port,
    ) == (want.image, want.command, want.args, want.ports[0].container_port)


def _service_matches(current: Service, desired: Service) -> bool:
    have, want = current.spec.ports[0], desired.spec.ports[0]
    return (have.port, have.target_port) == (want.port, want.target_port)


def _merged_spec(current: Any, desired: Any) -> Any:
    if isinstance(current, Deployment):
        return attrs.evolve(
            current.spec, replicas=desired.spec.replicas, template=desired.spec.template
        )
    # A Service keeps what the apiserver allocated (its ClusterIP); only the ports change.
    return attrs.evolve(current.spec, ports=desired.spec.ports)


# ------------------------------------------------------------------------------ the demo

POOL = """
apiVersion: example.com/v1
kind: WorkerPool
metadata:
  name: crunchers
spec:
  replicas: 3
  image: python:3.12
  command: [python, -m, http.server]
  args: ["8000"]
  port: 8000
"""


def ready(replicas: int) -> Callable[[WorkerPool], bool]:
    """A ``wait_for`` condition: the pool reports ``replicas`` ready workers of its spec."""
    return lambda pool: (
        pool.status.observed_generation == pool.metadata.generation
        and pool.status.ready_replicas == replicas
    )


async def main() -> None:
    async with Cluster(nodes=2, clock="virtual", seed=7) as cluster:
        await cluster.add_controller(
            WorkerPoolReconciler, for_=WorkerPool, owns=[Deployment, Service]
        )
        for result in await cluster.apply(POOL):
            print(result)
        pool = await cluster.wait_for(WorkerPool, "crunchers", condition=ready(3))
        service = await cluster.client.get(Service, "crunchers", namespace="default")
        print(f"{pool.status.ready_replicas} workers ready behind {service.spec.cluster_ip}:8000")

        for result in await cluster.apply(POOL.replace("replicas: 3", "replicas: 5")):
            print(result)
        await cluster.wait_for(WorkerPool, "crunchers", condition=ready(5))
        print("scaled to 5 workers")

        upgraded = POOL.replace("replicas: 3", "replicas: 5").replace("3.12", "3.13")
        for result in await cluster.apply(upgraded):
            print(result)
        await cluster.rollout_status("crunchers", on_progress=print)
        await cluster.wait_for(WorkerPool, "crunchers", condition=ready(5))
        deployment = await cluster.client.get(Deployment, "crunchers", namespace="default")
        print(f"rolled out {_worker(deployment).image}")

        await cluster.client.delete(WorkerPool, "crunchers", namespace="default")
        await cluster.wait_for(Deployment, "crunchers", condition="delete")
        await cluster.wait_for(Service, "crunchers", condition="delete")
        print("workerpool deleted: its deployment and service are gone")


if __name__ == "__main__":
    # The cluster's components log through structlog; this script shows only what it prints.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))
    run(main)
