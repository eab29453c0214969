"""What ``kubectl get pods`` costs the server beyond the list itself: the Table of many Pods.

For ``--pods`` running Pods, times ``table_for`` (kubectl's columns and a
PartialObjectMetadata per row, as ``kubectl get`` asks) beside the PodList body the same
Pods make (``to_dict`` of each), in the same run; and decoding the protobuf body of
``kubectl create deployment`` beside parsing the same manifest as JSON. Run with
``python -m benchmarks.tables``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console

from kube_actors.api import (
    Container,
    ContainerState,
    ContainerStateRunning,
    ContainerStatus,
    ObjectMeta,
    Pod,
    PodSpec,
    PodStatus,
    to_dict,
)
from kube_actors.server import decode_protobuf, encode_protobuf, table_for

from ._report import Figure, print_figures

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _pod(i: int) -> Pod:
    running = ContainerState(running=ContainerStateRunning(started_at=NOW))
    return Pod(
        metadata=ObjectMeta(
            name=f"web-{i}",
            namespace="default",
            uid=f"uid-{i}",
            labels={"app": "web"},
            creation_timestamp=NOW - dt.timedelta(minutes=45),
        ),
        spec=PodSpec(node_name="node-1", containers=[Container(name="web", image="nginx")]),
        status=PodStatus(
            phase="Running",
            pod_ip="10.244.0.1",
            container_statuses=[ContainerStatus(name="web", ready=True, state=running)],
        ),
    )


def _best_of(runs: int, work: Callable[[], Any]) -> float:
    """The shortest of ``runs`` timings, in seconds (the machine's noise only adds)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    pods = [_pod(i) for i in range(args.pods)]
    table = _best_of(args.runs, lambda: json.dumps(table_for(Pod, pods, NOW)))
    listed = _best_of(args.runs, lambda: json.dumps([to_dict(p) for p in pods]))
    manifest = to_dict(pods[0])
    body, text = encode_protobuf(manifest), json.dumps(manifest)
    decoded = _best_of(args.runs, lambda: [decode_protobuf(body) for _ in range(1_000)])
    parsed = _best_of(args.runs, lambda: [json.loads(text) for _ in range(1_000)])
    print_figures(
        "kube_actors.server: Tables and protobuf bodies",
        [
            Figure(
                name=f"Table of {args.pods:,} pods (JSON)",
                value=table * 1000,
                unit="ms",
                baseline_name="PodList of the same pods",
                baseline=listed * 1000,
                target="well under 1 s for 10,000 pods",
                higher_is_better=False,
            ),
            Figure(
                name="decode a protobuf Pod body",
                value=decoded * 1000,
                unit="µs",
                baseline_name="json.loads of the same manifest",
                baseline=parsed * 1000,
                target="no target (a create's body)",
                higher_is_better=False,
            ),
        ],
        Console(),
    )


if __name__ == "__main__":
    main()
