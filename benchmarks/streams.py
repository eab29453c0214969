"""Streams benchmark: what ``exec`` and ``port-forward`` cost on the subprocess runtime.

Run with ``python -m benchmarks.streams``. One pod runs a TCP server that sends
``--megabytes`` MiB to each connection and closes it. Measured in the same run:

- exec round trip of a command that exits at once (``true``): ``Cluster.exec`` in process,
  and the real ``kubectl exec`` over the HTTP server's WebSocket; baselines: starting
  ``true`` directly, and ``kubectl get pod`` (kubectl's own start-up and one request);
- port-forward throughput: ``Cluster.port_forward`` and ``kubectl port-forward`` (SPDY in a
  WebSocket through the HTTP server); baseline: a direct TCP connection to the pod.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import time
from collections.abc import Awaitable, Callable

import anyio

from kube_actors import Cluster
from kube_actors.api import Pod
from kube_actors.kubelet import NodeConfig

from ._report import Figure, print_figures

_SERVER = """\
import os, socket
size = int(os.environ["MEGABYTES"]) << 20
block = bytes(1 << 20)
server = socket.create_server((os.environ["POD_IP"], 9000))
while True:
    connection, _ = server.accept()
    with connection:
        try:
            for _ in range(size >> 20):
                connection.sendall(block)
        except OSError:
            pass  # the readiness probe hangs up at once
"""

_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: source
spec:
  containers:
  - name: source
    image: python
    command: ["python3", "-c", {script}]
    env:
    - name: MEGABYTES
      value: "{megabytes}"
    readinessProbe:
      tcpSocket:
        port: 9000
      periodSeconds: 1
"""


def _node() -> NodeConfig:
    # A /24 of its own: other clusters on the machine may serve on the first node's.
    cidr = f"127.{random.randrange(100, 250)}.{random.randrange(0, 256)}.0/24"
    return NodeConfig(name="control-plane", control_plane=True, pod_cidr=cidr)


async def _median_ms(action: Callable[[], Awaitable[object]], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        begin = time.perf_counter()
        await action()
        times.append(time.perf_counter() - begin)
    return statistics.median(times) * 1000


async def _checked(command: list[str]) -> None:
    done = await anyio.run_process(command, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command[3:]} failed: {done.stderr.decode()}")


async def _drain(host: str, port: int) -> int:
    received = 0
    async with await anyio.connect_tcp(host, port) as connection:
        async for chunk in connection:
            received += len(chunk)
    return received


async def _throughput(host: str, port: int, megabytes: int) -> float:
    begin = time.perf_counter()
    received = await _drain(host, port)
    if received != megabytes << 20:
        raise RuntimeError(f"received {received} bytes, expected {megabytes} MiB")
    return megabytes / (time.perf_counter() - begin)


async def _kubectl_forward(kubectl: list[str], megabytes: int) -> float:
    async with await anyio.open_process([*kubectl, "port-forward", "pod/source", "0:9000"]) as pf:
        assert pf.stdout is not None
        printed = b""
        with anyio.fail_after(30):
            while b"Forwarding from" not in printed:
                printed += await pf.stdout.receive()
        found = re.search(rb"127\.0\.0\.1:(\d+)", printed)
        assert found is not None
        rate = await _throughput("127.0.0.1", int(found[1]), megabytes)
        pf.terminate()
    return rate


async def run(megabytes: int, rounds: int) -> list[Figure]:
    async with (
        Cluster(nodes=[_node()], runtime="subprocess", clock="real") as cluster,
        cluster.serve() as served,
    ):
        await cluster.apply(_POD.format(script=json.dumps(_SERVER), megabytes=megabytes))
        pod = await cluster.wait_for(Pod, "source", condition="Ready", timeout=60)
        assert pod.status is not None
        direct_exec = await _median_ms(lambda: anyio.run_process(["true"]), rounds)
        cluster_exec = await _median_ms(lambda: cluster.exec("source", ["true"]), rounds)
        figures = [
            Figure(
                name="exec round trip: Cluster.exec",
                value=cluster_exec,
                unit="ms",
                baseline_name="true run directly",
                baseline=direct_exec,
                target="a few ms over the process start",
                higher_is_better=False,
            )
        ]
        binary = shutil.which("kubectl")
        kubectl = [binary or "kubectl", "--kubeconfig", str(served.kubeconfig_path)]
        if binary is not None:
            get = await _median_ms(
                lambda: anyio.run_process([*kubectl, "get", "pod", "source"]), rounds
            )
            exec_ = await _median_ms(
                lambda: _checked([*kubectl, "exec", "source", "--", "true"]), rounds
            )
            figures.append(
                Figure(
                    name="exec round trip: kubectl exec",
                    value=exec_,
                    unit="ms",
                    baseline_name="kubectl get pod",
                    baseline=get,
                    target="close to one request",
                    higher_is_better=False,
                )
            )
        direct = await _throughput(pod.status.pod_ip, 9000, megabytes)
        async with cluster.port_forward("source", 9000) as (host, port):
            forwarded = await _throughput(host, port, megabytes)
        figures.append(
            Figure(
                name="port-forward: Cluster.port_forward",
                value=forwarded,
                unit="MiB/s",
                baseline_name="direct TCP to the pod",
                baseline=direct,
                target=">= 0.3x",
            )
        )
        if binary is not None:
            tunnelled = await _kubectl_forward(kubectl, megabytes)
            figures.append(
                Figure(
                    name="port-forward: kubectl (SPDY in WebSocket)",
                    value=tunnelled,
                    unit="MiB/s",
                    baseline_name="direct TCP to the pod",
                    baseline=direct,
                    target=">= 0.1x",
                )
            )
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    figures = anyio.run(run, args.megabytes, args.rounds)
    print_figures(
        f"streams: exec of `true` ({args.rounds} rounds, median), "
        f"port-forward of {args.megabytes} MiB",
        figures,
    )


if __name__ == "__main__":
    main()
