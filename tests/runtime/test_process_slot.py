"""Each process running real pods has a share of the loopback pod network of its own."""

from __future__ import annotations

import ipaddress
import subprocess
import sys

import pytest

from kube_actors import Cluster
from kube_actors.api import Node
from kube_actors.runtime import PROCESS_SLOTS, process_slot


def test_two_processes_hold_different_slots_and_each_keeps_its_own() -> None:
    mine = process_slot()
    assert process_slot() == mine  # held for as long as the process lives
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kube_actors.runtime import process_slot; print(process_slot())",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    theirs = int(other.stdout)
    assert theirs != mine
    assert 0 <= theirs < PROCESS_SLOTS


@pytest.mark.real_time
async def test_a_subprocess_cluster_gives_its_nodes_pod_networks_in_its_slot() -> None:
    slot = process_slot()
    share = ipaddress.IPv4Network(f"127.{64 + slot * 4}.0.0/14")
    async with Cluster(nodes=2, runtime="subprocess", clock="real", controllers=()) as cluster:
        await cluster.settle()
        nodes = await cluster.client.list(Node)
    cidrs = [ipaddress.IPv4Network(n.spec.pod_cidr) for n in nodes]
    assert len(cidrs) == 2
    assert all(cidr.subnet_of(share) for cidr in cidrs)


def test_a_runtime_without_a_pool_draws_from_the_last_share_of_its_slot() -> None:
    # In a fresh process: here, kubelets of earlier tests lent their addresses to the pool.
    code = (
        "from kube_actors.runtime import process_slot; "
        "from kube_actors.runtime._ips import default_pool; "
        "print(process_slot(), default_pool().allocate())"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    slot, address = run.stdout.split()
    share = ipaddress.IPv4Network(f"127.{64 + int(slot) * 4 + 3}.0.0/16")
    assert ipaddress.IPv4Address(address) in share
