"""``kube-actors demo``: the concept doc's minikube walkthrough, run in this process.

It reads as a person would read kubectl's output: cluster info, nodes, ``kubectl create
deployment hello-nginx --image=nginx --replicas=2``, the deployment and its pods, a pod
described with its Events, its logs; then scaling to 5, a new image rolled out, a pod deleted
and replaced, and a node stopped and its pods rescheduled. With the subprocess runtime (the
default) the containers are real processes and their logs real; ``--runtime fake`` runs the
same story on fake containers in virtual time. ``--trace`` then prints the concept doc's ten
steps as they happened, from the message trace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from ..actors import Trace, TraceRecord, run, wall_clock
from ..api import (
    Binding,
    Container,
    ContainerPort,
    Create,
    Delete,
    Deployment,
    DeploymentSpec,
    LabelSelector,
    Node,
    ObjectMeta,
    Pod,
    PodSpec,
    PodTemplateSpec,
    ReplicaSet,
    Service,
    UpdateStatus,
)
from ..client import RecordEvent
from ..cluster import Cluster
from ..kubectl import table
from ..kubelet import KubeletTimings
from ..proxy import served_by

__all__ = ["walkthrough"]

NAME = "hello-nginx"


def _deployment(replicas: int) -> Deployment:
    """What ``kubectl create deployment hello-nginx --image=nginx --port=8080 --replicas=2``
    sends."""
    labels = {"app": NAME}
    return Deployment(
        metadata=ObjectMeta(name=NAME, namespace="default", labels=labels),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels),
                spec=PodSpec(
                    containers=[
                        Container(
                            name="nginx",
                            image="nginx",
                            ports=[ContainerPort(container_port=8080)],
                        )
                    ]
                ),
            ),
        ),
    )


class _Screen:
    def __init__(self, console: Console) -> None:
        self.console = console

    def command(self, text: str) -> None:
        self.console.print(f"\n[bold green]$[/] [bold]{text}[/]")

    def table(self, kind: type[Any], objects: list[Any], *, wide: bool = False) -> None:
        headers, rows = table(kind, objects, wall_clock(), wide=wide)
        out = Table(box=None, show_edge=False, pad_edge=False)
        for header in headers:
            out.add_column(header, style="cyan" if header == "NAME" else None, no_wrap=True)
        for row in rows:
            out.add_row(*row)
        self.console.print(out)

    def text(self, text: str) -> None:
        self.console.print(text, markup=False, highlight=False)


async def _get_pods(cluster: Cluster) -> list[Pod]:
    pods = await cluster.client.list(Pod, namespace="default", label_selector=f"app={NAME}")
    return sorted(
        pods, key=lambda p: (p.metadata.creation_timestamp or wall_clock(), p.metadata.name)
    )


async def _pods_until(
    cluster: Cluster, test: Callable[[list[Pod]], bool], *, timeout: float
) -> None:
    """Wait, watching the deployment's pods, until ``test`` holds for them."""
    with anyio.fail_after(timeout):
        stream = await cluster.client.watch(
            Pod, namespace="default", label_selector=f"app={NAME}", resource_version="0"
        )
        try:
            while not test(await _get_pods(cluster)):
                if not await stream.next_batch():
                    break
        finally:
            stream.close()


async def _expose(screen: _Screen, cluster: Cluster, runtime: str) -> None:
    """``kubectl expose``, then real HTTP requests through the NodePort (real processes)."""
    screen.command(f"kubectl expose deployment {NAME} --type=NodePort --port=8080")
    service = await cluster.expose("deployment", NAME, type="NodePort", port=8080)
    screen.text(f"service/{NAME} exposed")
    screen.command("kubectl get services")
    screen.table(Service, await cluster.client.list(Service, namespace="default"))
    screen.command(f"nslookup {NAME}.default.svc.cluster.local   # in-process resolution")
    screen.text(await cluster.resolve(f"{NAME}.default.svc.cluster.local"))
    if runtime != "subprocess":
        return  # fake containers serve no sockets: the proxy keeps its table only
    # kube-proxy knows every replica behind it, and listens on the NodePort.
    plane, key = cluster.data_plane, ("default", NAME, "")
    with anyio.fail_after(30):
        while key not in plane.table.entries or len(plane.table.entries[key].endpoints) < 5:
            await plane.wait_changed()
    service = await cluster.wait_serving(NAME)
    node_port = service.spec.ports[0].node_port
    assert node_port is not None  # a NodePort Service always gets one
    # 127.0.0.1 for the first cluster on this machine, an address of its own for others.
    address = cluster.service_network.node_port_address
    screen.command(f"for i in $(seq 6); do curl -s http://{address}:{node_port}/; done")
    for pod in await served_by(address, node_port, 6):
        screen.text(f"GET http://{address}:{node_port}/ -> served by {pod}")


async def _available(cluster: Cluster, replicas: int) -> None:
    def ready(d: Deployment) -> bool:
        s = d.status
        return (
            s.available_replicas == replicas
            and s.updated_replicas == replicas
            and s.replicas == replicas
        )

    await cluster.wait_for(Deployment, NAME, condition=ready, timeout=120)


async def _story(console: Console, runtime: str, trace: bool) -> None:
    screen = _Screen(console)
    # Faster heartbeats than Kubernetes' defaults, so that a stopped node is noticed in
    # seconds (the same flags exist in Kubernetes: lease duration, monitor grace period,
    # default toleration seconds).
    timings = KubeletTimings(
        node_lease_duration=8, lease_renew_interval=2.0, node_status_update_frequency=2.0
    )
    async with Cluster(
        nodes=2,
        runtime=runtime,  # type: ignore[arg-type]
        seed=1,
        trace=trace,
        kubelet_timings=timings,
        node_monitor_grace_period=8.0,
        default_toleration_seconds=2,
    ) as cluster:
        await cluster.settle()
        screen.command("minikube start --nodes 2   # in this process: kube_actors.Cluster(nodes=2)")
        screen.command("kubectl cluster-info")
        screen.text(
            "Kubernetes control plane is running in-process: the kube-apiserver actor, "
            "backed by the etcd actor\n"
            f"Actors running: {len(cluster.system.statistics())} "
            "(etcd, kube-apiserver, kube-scheduler, controllers, kubelets, pod workers)"
        )
        screen.command("kubectl get nodes")
        screen.table(Node, await cluster.client.list(Node))

        screen.command(f"kubectl create deployment {NAME} --image=nginx --port=8080 --replicas=2")
        await cluster.apply(_deployment(2))
        screen.text(f"deployment.apps/{NAME} created")
        await _available(cluster, 2)
        screen.command("kubectl get deployments")
        screen.table(Deployment, await cluster.client.list(Deployment, namespace="default"))
        screen.command("kubectl get pods -o wide")
        pods = await _get_pods(cluster)
        screen.table(Pod, pods, wide=True)

        first = pods[0].metadata.name
        screen.command(f"kubectl describe pod {first}")
        screen.text(await cluster.describe(Pod, first))
        screen.command(f"kubectl logs {first}")
        screen.text(await cluster.logs(first) or "(no output yet)")

        screen.command(f"kubectl scale deployment {NAME} --replicas=5")
        await cluster.scale(Deployment, NAME, 5)
        screen.text(f"deployment.apps/{NAME} scaled")
        await _available(cluster, 5)
        screen.command("kubectl get pods -o wide")
        screen.table(Pod, await _get_pods(cluster), wide=True)

        screen.command(f"kubectl set image deployment/{NAME} nginx=nginx:1.27")
        await cluster.set_image(Deployment, NAME, nginx="nginx:1.27")
        screen.text(f"deployment.apps/{NAME} image updated")
        screen.command(f"kubectl rollout status deployment/{NAME}")
        await cluster.rollout_status(NAME, on_progress=screen.text, timeout=180)
        await _available(cluster, 5)
        screen.command("kubectl get replicasets")
        screen.table(ReplicaSet, await cluster.client.list(ReplicaSet, namespace="default"))

        await _expose(screen, cluster, runtime)

        victim = (await _get_pods(cluster))[0].metadata.name
        screen.command(f"kubectl delete pod {victim}")
        await cluster.client.delete(Pod, victim, namespace="default")
        screen.text(f'pod "{victim}" deleted')
        await cluster.wait_for(Pod, victim, condition="delete", timeout=120)
        await _available(cluster, 5)
        screen.command("kubectl get pods   # the ReplicaSet made a new one")
        screen.table(Pod, await _get_pods(cluster))

        node = "node-1"
        screen.command(f"# the machine of {node} goes down (its kubelet stops)")
        await cluster.stop_node(node)
        await cluster.wait_for(Node, node, condition="Ready=Unknown", namespace="", timeout=120)
        screen.command("kubectl get nodes")
        screen.table(Node, await cluster.client.list(Node))

        def moved(pods: list[Pod]) -> bool:
            live = [p for p in pods if p.metadata.deletion_timestamp is None]
            return len(live) == 5 and all(
                p.spec.node_name not in ("", node) and p.status.phase == "Running" for p in live
            )

        await _pods_until(cluster, moved, timeout=180)
        screen.command("kubectl get pods -o wide   # evicted from the lost node, rescheduled")
        screen.table(Pod, await _get_pods(cluster), wide=True)

        if trace:
            assert cluster.system.trace is not None
            _print_ten_steps(console, cluster.system.trace)


# ------------------------------------------------------------------ the ten steps


def _find(records: list[TraceRecord], start: int, test: Any) -> TraceRecord | None:
    for record in records[start:]:
        if test(record):
            return record
    return None


def _created(kind: type[Any]) -> Any:
    return lambda r: isinstance(r.message, Create) and isinstance(r.message.obj, kind)


def _what(record: TraceRecord, records: list[TraceRecord]) -> str:
    """The message, with what tells it apart: the kind created, the Event's reason, and for
    a wake-up the message that caused it."""
    what = f"{record.kind} {record.message_type}"
    message = record.message
    if isinstance(message, Create):
        what += f" {type(message.obj).__name__}"
    elif isinstance(message, RecordEvent):
        what += f" {message.reason}"
    if record.kind == "timer" and record.cause is not None:
        cause = next((r for r in records if r.id == record.cause), None)
        if cause is not None:
            what += f" (caused by #{cause.id}, {cause.sender}'s {_what(cause, records)})"
    return what


def _print_ten_steps(console: Console, trace: Trace) -> None:
    records = list(trace.records)
    steps: list[tuple[str, TraceRecord | None]] = []

    def after(record: TraceRecord | None) -> int:
        return record.id if record is not None else 0

    s1 = _find(records, 0, lambda r: r.receiver == "kube-apiserver" and _created(Deployment)(r))
    s2 = _find(
        records, after(s1), lambda r: r.receiver == "etcd" and "deployments" in repr(r.message)
    )
    s3 = _find(
        records,
        after(s2),
        lambda r: r.sender == "controller/deployment" and _created(ReplicaSet)(r),
    )
    s4 = _find(
        records, after(s3), lambda r: r.sender == "controller/replicaset" and _created(Pod)(r)
    )
    s5 = _find(records, after(s4), lambda r: r.sender == "kube-scheduler" and _created(Binding)(r))
    s6 = _find(records, after(s5), lambda r: r.receiver == "etcd" and "/pods/" in repr(r.message))
    # The kubelet's informer gets the bound Pod from its watch and wakes the kubelet with a
    # _Dispatch whose cause is the write the watch carried: the Binding of step 5.
    s7 = _find(
        records,
        after(s6),
        lambda r: (
            r.receiver.startswith("kubelet/")
            and r.message_type == "_Dispatch"
            and (s5 is None or r.cause == s5.id)
        ),
    )
    kubelet = s7.receiver if s7 is not None else "kubelet/"
    # Starting containers is a call on the runtime, not a message: the pod worker's
    # "Started" Event is the message that reports it done.
    s8 = _find(
        records,
        after(s7),
        lambda r: (
            r.sender.startswith(kubelet + "/")
            and isinstance(r.message, RecordEvent)
            and r.message.reason == "Started"
        ),
    )
    s9 = _find(
        records,
        after(s8),
        lambda r: s8 is not None and r.sender == s8.sender and isinstance(r.message, UpdateStatus),
    )
    s10 = _find(
        records,
        0,
        lambda r: r.sender == "-" and isinstance(r.message, Delete) and r.message.kind is Pod,
    )
    s10b = _find(
        records, after(s10), lambda r: r.sender == "controller/replicaset" and _created(Pod)(r)
    )
    steps = [
        ("kubectl apply sends the manifest to kube-apiserver", s1),
        ("kube-apiserver validates it and writes it to etcd", s2),
        ("the deployment controller sees the Deployment and creates a ReplicaSet", s3),
        ("the replicaset controller sees it needs Pods and creates them", s4),
        ("kube-scheduler sees an unbound Pod and binds it to a node", s5),
        ("the binding is recorded in etcd", s6),
        ("the node's kubelet sees the Pod through its watch, which wakes it", s7),
        ("the kubelet's pod worker has the runtime start the containers, and says so", s8),
        ("the kubelet reports the Pod's status to kube-apiserver", s9),
        ("a Pod that went is replaced: the ReplicaSet creates another", s10b),
    ]
    console.print(Panel("The concept doc's ten steps, as they happened (from the message trace)"))
    for number, (what, record) in enumerate(steps, start=1):
        console.print(f"[bold]{number:>2}. {what}[/]")
        if record is None:
            console.print("    (not seen in this run)")
            continue
        console.print(
            f"    #{record.id} t={record.time:.3f}s  {record.sender} -> {record.receiver}: "
            + _what(record, records),
            markup=False,
            highlight=False,
        )
    console.print(f"({len(records):,} messages in all)")


def walkthrough(console: Console, *, runtime: str = "subprocess", trace: bool = False) -> None:
    """Run the walkthrough: real processes on real time, or fake containers on virtual."""
    clock = "real" if runtime == "subprocess" else "virtual"
    run(_story, console, runtime, trace, clock=clock)  # type: ignore[arg-type]
