"""Serving a cluster on virtual time: while served, its clock follows the wall clock, so the
cluster does not race through its timers while a client is waiting for an answer."""

from __future__ import annotations

import asyncio
import sys
import time

import anyio

from kube_actors import Cluster

CLIENT = """
import ssl, sys, urllib.request
url, token, ca = sys.argv[1:]
context = ssl.create_default_context(cafile=ca)
for _ in range(3):
    headers = {"Authorization": "Bearer " + token}
    request = urllib.request.Request(url + "/api/v1/nodes", headers=headers)
    print(urllib.request.urlopen(request, context=context).status)
"""


async def test_a_served_virtual_cluster_runs_no_faster_than_the_wall_clock() -> None:
    loop = asyncio.get_running_loop()
    async with Cluster(nodes=1, clock="virtual") as cluster:
        async with cluster.serve() as served:
            assert served.ca_cert is not None
            virtual_start, wall_start = loop.time(), time.monotonic()
            # A client in another process, as kubectl is: the loop idles while it starts.
            result = await anyio.run_process(
                [sys.executable, "-c", CLIENT, served.url, served.token, str(served.ca_cert)]
            )
            assert result.stdout.decode().split() == ["200"] * 3
            virtual_elapsed = loop.time() - virtual_start
            wall_elapsed = time.monotonic() - wall_start
            # Unheld, the wait for each answer would let the clock jump to the next timer
            # (the node's 10 s heartbeats, the controllers' resyncs).
            assert virtual_elapsed <= wall_elapsed + 0.5
            await cluster.settle()  # quiet is still observable while serving
        # Released: an hour of virtual time passes at once again.
        wall_start = time.monotonic()
        await anyio.sleep(3600)
        assert time.monotonic() - wall_start < 60
