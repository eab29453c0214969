"""The message trace follows a change through the watches: a Pod's status report chains back
to the Deployment the program created."""

from __future__ import annotations

from kube_actors import Cluster
from kube_actors.actors import EXTERNAL
from kube_actors.api import Binding, Create, Deployment, Pod, ReplicaSet, UpdateStatus

from ._workloads import deployment


async def test_a_pods_status_report_chains_back_to_the_deployment_created() -> None:
    async with Cluster(nodes=2, seed=4, trace=True) as cluster:
        await cluster.client.create(deployment("web", replicas=1))
        await cluster.settle()
        trace = cluster.system.trace
        assert trace is not None
        report = next(
            r
            for r in trace.records
            if r.sender.count("/") == 3 and isinstance(r.message, UpdateStatus)
        )
        chain = trace.chain(report.id)
    writes = [
        (r.sender, type(r.message.obj).__name__) for r in chain if isinstance(r.message, Create)
    ]
    assert writes == [
        (EXTERNAL, Deployment.__name__),
        ("controller/deployment", ReplicaSet.__name__),
        ("controller/replicaset", Pod.__name__),
        ("kube-scheduler", Binding.__name__),
    ]
    assert chain[-1] is report


async def test_watch_events_carry_the_writing_request_only_when_tracing() -> None:
    for tracing in (True, False):
        async with Cluster(controllers=(), scheduler=False, trace=tracing) as cluster:
            stream = await cluster.client.watch(Deployment, namespace="default")
            await cluster.client.create(deployment("web", replicas=1))
            [event] = await stream.next_batch()
            stream.close()
            trace = cluster.system.trace
            if trace is None:
                assert event.cause is None
            else:
                create = trace[event.cause] if event.cause is not None else None
                assert create is not None
                assert isinstance(create.message, Create)
                assert create.sender == EXTERNAL
