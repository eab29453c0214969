"""An embedding program for the crash tests: ``python crash_writer.py STORE LOG SEED``.

It runs a one-node cluster on the SQLite store ``STORE``. First it checks that the cluster
it found converged: the Deployment ``web`` Available with as many Pods as it asks for (it
creates ``web`` on a new store). Then it prints ``converged`` and writes until it is
killed: four tasks create, update and delete Services (names ``w<task>-<n>``, an annotation
``v`` their content) and scale ``web``. Every write is recorded in ``LOG``, one JSON line,
fsynced: an ``intent`` before the request, an ``ack`` with the resourceVersion once the
apiserver answered. The test kills it with SIGKILL at a random moment and checks the store
against the log.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sys
from typing import Any

import anyio
import attrs
import structlog

from kube_actors import Cluster
from kube_actors.actors import run
from kube_actors.api import Deployment, Pod, Service, from_dict

TASKS = 4
NAMES = 12
WEB = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        },
    },
}


class Log:
    def __init__(self, path: str) -> None:
        self._file = open(path, "a")  # noqa: SIM115 (open for the program's life)

    def record(self, **entry: Any) -> None:
        self._file.write(json.dumps(entry) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())


def service(name: str, value: int) -> Service:
    made: Service = from_dict(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name, "namespace": "default", "annotations": {"v": str(value)}},
            "spec": {"ports": [{"port": 80}]},
        }
    )
    return made


async def converge(cluster: Cluster, log: Log) -> None:
    found = next(iter(await cluster.client.list(Deployment)), None)
    if found is None:
        log.record(phase="intent", op="create-web", replicas=2)
        web: Deployment = await cluster.client.create(from_dict(WEB))
        log.record(phase="ack", op="create-web", replicas=2, rv=web.metadata.resource_version)
    else:
        web = found
    want = web.spec.replicas

    def settled(d: Deployment) -> bool:
        return d.status.available_replicas == want and d.status.updated_replicas == want

    await cluster.wait_for(Deployment, "web", condition=settled, timeout=120)
    await cluster.settle()
    pods = [p for p in await cluster.client.list(Pod) if p.metadata.deletion_timestamp is None]
    log.record(phase="converged", replicas=want, pods=len(pods))


async def writer(cluster: Cluster, log: Log, task: int, rng: random.Random) -> None:
    client = cluster.client
    while True:
        name = f"w{task}-{rng.randrange(NAMES)}"
        current = next((s for s in await client.list(Service) if s.metadata.name == name), None)
        value = rng.randrange(1_000_000)
        if current is None:
            log.record(phase="intent", op="create", name=name, v=value, task=task)
            made = await client.create(service(name, value))
            log.record(
                phase="ack",
                op="create",
                name=name,
                v=value,
                task=task,
                rv=made.metadata.resource_version,
                uid=made.metadata.uid,
            )
        elif rng.random() < 0.7:
            changed = attrs.evolve(
                current, metadata=attrs.evolve(current.metadata, annotations={"v": str(value)})
            )
            log.record(phase="intent", op="update", name=name, v=value, task=task)
            made = await client.update(changed)
            log.record(
                phase="ack",
                op="update",
                name=name,
                v=value,
                task=task,
                rv=made.metadata.resource_version,
            )
        else:
            log.record(phase="intent", op="delete", name=name, task=task)
            await client.delete(Service, name, namespace="default")
            log.record(phase="ack", op="delete", name=name, task=task)
        if task == 0 and rng.random() < 0.05:
            replicas = rng.randrange(1, 4)
            log.record(phase="intent", op="scale", replicas=replicas, task=task)
            scaled = await cluster.scale(Deployment, "web", replicas)
            log.record(
                phase="ack",
                op="scale",
                replicas=replicas,
                task=task,
                rv=scaled.metadata.resource_version,
            )


async def main(store: str, log_path: str, seed: int) -> None:
    log = Log(log_path)
    rng = random.Random(seed)
    async with Cluster(store=f"sqlite:///{store}?synchronous=normal", nodes=1) as cluster:
        await converge(cluster, log)
        print("converged", flush=True)
        async with anyio.create_task_group() as tg:
            for task in range(TASKS):
                tg.start_soon(writer, cluster, log, task, random.Random(rng.random()))


if __name__ == "__main__":
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    run(main, sys.argv[1], sys.argv[2], int(sys.argv[3]))
