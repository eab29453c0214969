"""``kube-actors agent``: a node on another host (or in another process), joined over HTTP.

It runs one node's kubelet and kube-proxy (``NodeAgent``) against the API server at
``--server``, verifying the server with ``--certificate-authority`` (the CA of ``up``:
``<data-dir>/pki/ca.crt``). The node authenticates as itself, ``system:node:<name>``, with a
client certificate kept in ``--data-dir``; the first time (or once it has expired) it gets one
by the kubelet's TLS bootstrap, authenticated by ``--token`` (a bootstrap token of
``kube-actors token create``), and renews it while it runs: see ``cluster._tls_bootstrap``.
Before it starts, it asks the server for its Node once, so that a wrong token, an unknown CA or
an unreachable server is one clear error and exit status 1 instead of a kubelet retrying
forever. Ctrl-C or SIGTERM stops it: the kubelet stops its containers, and the Node stays
until the node lifecycle controller marks it NotReady.

The flags are named as kubelet's and ``kubeadm join``'s: ``--node-ip``, ``--pod-cidr``,
``--node-labels``.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import signal
import socket
from pathlib import Path

import anyio
from rich.console import Console

from ..api import Node
from ..client import Client, ClientConfig, HttpTransport
from ..cluster import NodeAgent
from ..cluster._tls_bootstrap import CURRENT_PEM, keep_certificate_renewed, node_client_config
from ..errors import ApiError, KubeActorsError, NotFound, Unauthorized
from ..kubelet import NodeConfig
from ._snapshot import default_data_dir
from ._up import add_runtime_argument

__all__ = ["add_agent_arguments", "agent"]


def add_agent_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server", required=True, metavar="URL", help="the API server (https://HOST:6443)"
    )
    parser.add_argument(
        "--token",
        default="",
        help="a bootstrap token (`kube-actors token create` makes one), to get the node's "
        "client certificate with; not needed while the data directory holds a valid one",
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        metavar="DIR",
        help="where the node's certificate and kubeconfig are kept (kubelet.conf, "
        f"{CURRENT_PEM}; default {default_data_dir()}/agents/NAME)",
    )
    parser.add_argument(
        "--name",
        default=socket.gethostname().lower(),
        help="the Node's name (default: this host's name, as kubelet's --hostname-override)",
    )
    add_runtime_argument(parser)
    parser.add_argument(
        "--certificate-authority",
        default=None,
        metavar="PATH",
        help="the cluster's CA to verify the server with (up's <data-dir>/pki/ca.crt)",
    )
    parser.add_argument(
        "--insecure-skip-tls-verify",
        action="store_true",
        help="do not verify the server's certificate (testing only)",
    )
    parser.add_argument(
        "--node-ip",
        default="127.0.0.1",
        help="the Node's InternalIP, where its NodePorts listen (default 127.0.0.1)",
    )
    parser.add_argument(
        "--pod-cidr",
        default="",
        help="the range its pods get IPs from: a loopback one (default: one of its own), "
        "or one the other hosts route to --node-ip (10.244.1.0/24)",
    )
    parser.add_argument(
        "--node-labels",
        default="",
        metavar="KEY=VALUE[,...]",
        help="labels to register the Node with",
    )


def _labels(text: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for pair in filter(None, text.split(",")):
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--node-labels: {pair!r} is not KEY=VALUE")
        labels[key.strip()] = value.strip()
    return labels


def _check_network(args: argparse.Namespace) -> None:
    try:
        ipaddress.IPv4Address(args.node_ip)
    except ValueError:
        raise ValueError(f"--node-ip: {args.node_ip!r} is not an IPv4 address") from None
    if args.pod_cidr:
        try:
            ipaddress.IPv4Network(args.pod_cidr)
        except ValueError as error:
            raise ValueError(
                f"--pod-cidr: {args.pod_cidr!r} is not an IPv4 CIDR: {error}"
            ) from None


def _client_config(args: argparse.Namespace) -> ClientConfig:
    ca = None
    if args.certificate_authority is not None:
        try:
            ca = Path(args.certificate_authority).expanduser().read_bytes()
        except OSError as error:
            raise ValueError(f"--certificate-authority: {error.strerror}") from None
    return ClientConfig(
        server=args.server.rstrip("/"),
        ca_pem=ca,
        insecure_skip_tls_verify=args.insecure_skip_tls_verify,
        token=args.token,
    )


async def check_access(config: ClientConfig, node: str) -> None:
    """Ask for the Node once: a refused token or an unreachable server raises here."""
    async with Client.from_config(config, timeout=10) as client:
        with contextlib.suppress(NotFound):  # not registered yet: the kubelet will
            await client.get(Node, node)


def _data_dir(args: argparse.Namespace) -> Path:
    if args.data_dir is not None:
        return Path(args.data_dir).expanduser()
    return default_data_dir() / "agents" / str(args.name)


async def _run(args: argparse.Namespace, bootstrap: ClientConfig, console: Console) -> None:
    node = NodeConfig(name=args.name, labels=_labels(args.node_labels), pod_cidr=args.pod_cidr)

    def waiting(csr: str) -> None:
        console.print(f"waiting for certificate signing request {csr} to be approved and issued")
        console.file.flush()

    data_dir = _data_dir(args)
    config = await node_client_config(bootstrap, node.name, data_dir, announce=waiting)
    await check_access(config, node.name)
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async with (
            NodeAgent(config, node, runtime=args.runtime, host_ip=args.node_ip) as agent,
            anyio.create_task_group() as renewal,
        ):
            if isinstance(agent.client.apiserver, HttpTransport):
                renewal.start_soon(
                    keep_certificate_renewed, agent.client.apiserver, node.name, data_dir
                )
            console.print(
                f"node {agent.node.name!r} joined {config.server} as "
                f"system:node:{agent.node.name} (pod CIDR {agent.node.pod_cidr}, "
                f"runtime {args.runtime})"
            )
            console.print("Ctrl-C stops the node.", style="dim")
            console.file.flush()
            async for _ in signals:
                break
            renewal.cancel_scope.cancel()
            console.print("stopping…", style="dim")


def agent(args: argparse.Namespace, console: Console) -> int:
    """Run the node until Ctrl-C or SIGTERM."""
    try:
        config = _client_config(args)
        _labels(args.node_labels)
        _check_network(args)
        anyio.run(_run, args, config, console)
    except ValueError as error:
        console.print(f"[red]error:[/] {error}")
        return 2
    except Unauthorized as error:
        console.print(f"[red]error:[/] {args.server} refused the token: {error}")
        return 1
    except (ApiError, KubeActorsError) as error:
        console.print(f"[red]error:[/] cannot join {args.server}: {error}")
        return 1
    return 0
