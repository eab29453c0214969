"""``kube-actors up`` and ``kube-actors kubeconfig``: a cluster for kubectl, in the foreground.

``up`` starts a cluster on real time, serves Kubernetes' API over HTTPS and prints the one
line that points kubectl at it; Ctrl-C or SIGTERM stops it, containers and all. The data
directory (default under the user's data directory, ``$XDG_DATA_HOME/kube-actors`` or
``~/.local/share/kube-actors``, as minikube keeps its own) holds the cluster's SQLite store
(``store.db``), so objects survive a restart, and the CA, the admin token, the
service-account signing key (``pki/sa.key``) and the kubeconfig, so a kubeconfig merged once and
the tokens Pods hold keep working across restarts. ``--store memory`` keeps no objects.
With ``--etcd-servers`` and ``--leader-elect``, several ``up`` processes (on one host or
several) are the control planes of one highly available cluster: each serves the API on its
own address, the scheduler and the controllers act in the one holding their Lease, and
``--cert-dir`` is the CA, admin token and service-account key they share (kubeadm's
``/etc/kubernetes/pki``); ``--nodes 0`` runs a control plane with no node of its own.
``kubeconfig`` prints that kubeconfig or merges it into kubectl's own (context
``kube-actors``).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import Final

import anyio
import yaml
from rich.console import Console

from ..apiserver import parse_node_port_range, parse_service_cidr
from ..client._leader import timings_problem
from ..cluster import Cluster, ElectionTimings
from ..cluster._store import etcd_store_url
from ..errors import ServiceRangeMismatch
from ..etcd import EtcdTLS
from ..runtime._script import parse_duration
from ..server import CONTEXT, merge_kubeconfig
from ._snapshot import default_data_dir, store_file

__all__ = [
    "add_kubeconfig_arguments",
    "add_runtime_argument",
    "add_up_arguments",
    "kubeconfig_command",
    "up",
]

DEFAULT_DATA_DIR: Final = str(default_data_dir())
DEFAULT_PORT: Final = 6443
#: The leader-election flags, as kube-scheduler and kube-controller-manager name them.
ELECTION_FLAGS: Final = (
    "--leader-elect-lease-duration",
    "--leader-elect-renew-deadline",
    "--leader-elect-retry-period",
)
#: The service-account signing key in the data directory (kubeadm's name for it).
SERVICE_ACCOUNT_KEY: Final = "sa.key"


def add_runtime_argument(parser: argparse.ArgumentParser) -> None:
    """``--runtime``, as ``up`` and ``agent`` take it."""
    parser.add_argument(
        "--runtime",
        choices=("subprocess", "fake"),
        default="subprocess",
        help="containers as real processes (default) or fake ones",
    )


def add_up_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nodes", type=int, default=1, help="how many nodes (default 1)")
    add_runtime_argument(parser)
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="the API's port (default 6443; 0: any)"
    )
    parser.add_argument(
        "--address",
        default="127.0.0.1",
        help="the address to listen on (default loopback only; 0.0.0.0 for every interface)",
    )
    parser.add_argument(
        "--data-dir",
        default=DEFAULT_DATA_DIR,
        help=f"the store, CA, token and kubeconfig (default {DEFAULT_DATA_DIR})",
    )
    parser.add_argument(
        "--token-auth-file",
        default=None,
        metavar="PATH",
        help='users\' bearer tokens, as Kubernetes reads them: CSV rows token,user,uid,"groups"',
    )
    parser.add_argument(
        "--store",
        choices=("sqlite", "memory"),
        default="sqlite",
        help="sqlite (default): the data directory's store.db, kept across restarts; "
        "memory: nothing kept",
    )
    parser.add_argument(
        "--etcd-servers",
        default=None,
        metavar="URL[,URL...]",
        help="keep the state in a real etcd cluster (as kube-apiserver's flag: "
        "http://127.0.0.1:2379,... or https://...) instead of --store",
    )
    parser.add_argument(
        "--event-ttl",
        default="1h",
        metavar="DURATION",
        help="how long an Event lives after its last write (kube-apiserver's flag; 0: forever)",
    )
    for flag, what in (
        ("--etcd-cafile", "the CA file that signed etcd's certificate (TLS to etcd)"),
        ("--etcd-certfile", "the client certificate presented to etcd"),
        ("--etcd-keyfile", "the key of --etcd-certfile"),
    ):
        parser.add_argument(flag, default=None, metavar="PATH", help=what)

    parser.add_argument(
        "--service-cluster-ip-range",
        default=None,
        metavar="CIDR",
        help="the range ClusterIPs come from (kube-apiserver's flag); default: the range "
        "the store records, else a /16 of 127.0.0.0/8 no other cluster on this machine holds "
        "(127.10.0.0/16 for the first); every control plane of a cluster must agree",
    )
    parser.add_argument(
        "--service-node-port-range",
        default=None,
        metavar="RANGE",
        help="the ports NodePorts come from (kube-apiserver's flag): 30000-32767 (the "
        "default), 31000+99, or one port",
    )
    parser.add_argument(
        "--node-name",
        default="",
        metavar="NAME",
        help="the first node's name, the others NAME-1, NAME-2... (default control-plane, "
        "node-1...; control planes of one cluster each name theirs apart)",
    )
    ha = parser.add_argument_group(
        "highly available control planes",
        "several `up` processes over one etcd (--etcd-servers) serve one cluster: each serves "
        "the API, the scheduler and the controllers act where their Lease is held",
    )
    ha.add_argument(
        "--leader-elect",
        action="store_true",
        help="campaign for kube-scheduler's and kube-controller-manager's Leases instead of "
        "acting alone (needs --etcd-servers)",
    )
    ha.add_argument(
        "--leader-elect-lease-duration",
        type=_duration,
        default=15.0,
        metavar="DURATION",
        help="how long a Lease lasts unrenewed before another candidate takes it (15s)",
    )
    ha.add_argument(
        "--leader-elect-renew-deadline",
        type=_duration,
        default=10.0,
        metavar="DURATION",
        help="how long a leader tries to renew before it stops leading (10s)",
    )
    ha.add_argument(
        "--leader-elect-retry-period",
        type=_duration,
        default=2.0,
        metavar="DURATION",
        help="how often candidates try to acquire or renew (2s)",
    )
    ha.add_argument(
        "--cert-dir",
        default=None,
        metavar="PATH",
        help="the CA, the admin token and the service-account key, shared by every control "
        "plane of the cluster (made by the first one started; copy it to other hosts); "
        "default: the data directory's",
    )


def _duration(text: str) -> float:
    """A positive Go duration as the Kubernetes binaries' flags take them: 15s, 500ms, 1m."""
    try:
        seconds = parse_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}: must be positive")
    return seconds


def add_kubeconfig_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR, help="where `up` keeps it")
    parser.add_argument(
        "--merge",
        nargs="?",
        const="",
        metavar="PATH",
        help="merge into a kubeconfig (default: $KUBECONFIG's first file or ~/.kube/config) "
        "and make the context current",
    )


def _cluster(args: argparse.Namespace) -> Cluster:
    cert_dir = Path(args.cert_dir) if args.cert_dir else Path(args.data_dir) / "pki"
    return Cluster(
        nodes=args.nodes,
        node_name=args.node_name,
        runtime=args.runtime,
        clock="real",
        store=args.store,
        # Kept beside the CA and the admin token: Pods' tokens outlive a restart, and every
        # control plane sharing the directory signs and checks them with the same key.
        service_account_key_file=cert_dir / SERVICE_ACCOUNT_KEY,
        event_ttl=args.event_ttl,
        service_cidr=args.service_cluster_ip_range,
        service_node_port_range=args.service_node_port_range,
        leader_elect=args.leader_elect,
        leader_election=ElectionTimings(
            lease_duration=args.leader_elect_lease_duration,
            renew_deadline=args.leader_elect_renew_deadline,
            retry_period=args.leader_elect_retry_period,
        ),
    )


async def _serve(args: argparse.Namespace, console: Console, cluster: Cluster) -> None:
    async with (
        cluster,
        cluster.serve(
            address=args.address,
            port=args.port,
            data_dir=args.data_dir,
            cert_dir=args.cert_dir,
            token_auth_file=args.token_auth_file,
        ) as served,
    ):
        # Listening for the signals before saying how to stop: a SIGTERM right after the
        # message must stop the cluster cleanly, not kill the process.
        with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            console.print(f"Kubernetes control plane is running at {served.url}")
            network = cluster.service_network
            console.print(
                f"Services: ClusterIPs from {network.service_cidr}, "
                f"NodePorts on {network.node_port_address}"
            )
            console.print(f"kubeconfig: {served.kubeconfig_path}")
            console.print(f"  export KUBECONFIG={served.kubeconfig_path}")
            console.print("  kubectl get nodes")
            console.print("Ctrl-C stops the cluster.", style="dim")
            console.file.flush()  # a pipe (| tee, a supervisor) sees it now, not at exit
            async for _ in signals:
                break
        console.print("stopping…", style="dim")


def up(args: argparse.Namespace, console: Console) -> int:
    """Run the cluster until Ctrl-C or SIGTERM."""
    args.data_dir = os.path.expanduser(args.data_dir)
    try:
        args.event_ttl = int(parse_duration(args.event_ttl))
    except ValueError as error:
        console.print(f"[red]error:[/] --event-ttl: {error}")
        return 2
    if args.nodes < 0:
        console.print(f"[red]error:[/] --nodes: must be 0 or more, not {args.nodes}")
        return 2
    problem = timings_problem(
        args.leader_elect_lease_duration,
        args.leader_elect_renew_deadline,
        args.leader_elect_retry_period,
        names=ELECTION_FLAGS,
    )
    if problem:
        console.print(f"[red]error:[/] {problem}")
        return 2
    tls_files = (args.etcd_cafile, args.etcd_certfile, args.etcd_keyfile)
    if args.etcd_servers is None and any(tls_files):
        console.print(
            "[red]error:[/] --etcd-cafile/--etcd-certfile/--etcd-keyfile need --etcd-servers"
        )
        return 2
    if args.etcd_servers is not None:
        try:
            tls = EtcdTLS(ca_file=tls_files[0], cert_file=tls_files[1], key_file=tls_files[2])
            args.store = etcd_store_url(args.etcd_servers, tls if any(tls_files) else None)
        except ValueError as error:
            # An error of a file names its flag already; others are the servers'.
            flag = "" if str(error).startswith("--") else "--etcd-servers: "
            console.print(f"[red]error:[/] {flag}{error}")
            return 2
    elif args.leader_elect:
        console.print(
            "[red]error:[/] --leader-elect: the control planes must share their store: "
            "give --etcd-servers"
        )
        return 2
    elif args.store == "sqlite":
        Path(args.data_dir).mkdir(parents=True, exist_ok=True)
        args.store = f"sqlite://{store_file(args.data_dir).resolve()}"
    if args.leader_elect and args.nodes and not args.node_name:
        # Every control plane would register a node named control-plane: two kubelets on
        # one Node object.
        console.print(
            "[red]error:[/] --node-name: each control plane of a highly available cluster "
            "names its nodes apart (--node-name cp-1, cp-2...), or runs none (--nodes 0)"
        )
        return 2
    if args.service_cluster_ip_range is not None:
        try:
            args.service_cluster_ip_range = parse_service_cidr(
                args.service_cluster_ip_range, field="--service-cluster-ip-range"
            )
        except ValueError as error:
            console.print(f"[red]error:[/] {error}")
            return 2
    if args.service_node_port_range is not None:
        try:
            parse_node_port_range(args.service_node_port_range, field="--service-node-port-range")
        except ValueError as error:
            console.print(f"[red]error:[/] {error}")
            return 2
    try:
        cluster = _cluster(args)
    except ValueError as error:
        console.print(f"[red]error:[/] {error}")
        return 2
    try:
        anyio.run(_serve, args, console, cluster)
    except ServiceRangeMismatch as error:
        console.print(f"[red]error:[/] --service-cluster-ip-range: {error}")
        return 1
    except OSError as error:
        console.print(f"[red]error:[/] cannot serve on {args.address}:{args.port}: {error}")
        return 1
    return 0


def _default_kubeconfig() -> str:
    first = os.environ.get("KUBECONFIG", "").split(os.pathsep)[0]
    return first or "~/.kube/config"


def kubeconfig_command(args: argparse.Namespace, console: Console) -> int:
    """Print the kubeconfig `up` wrote, or merge it into kubectl's."""
    path = Path(args.data_dir).expanduser() / "kubeconfig"
    if not path.exists():
        console.print(f"[red]error:[/] no kubeconfig at {path}: run `kube-actors up` first")
        return 1
    if args.merge is None:
        sys.stdout.write(path.read_text())
        return 0
    ours = yaml.safe_load(path.read_text())
    written = merge_kubeconfig(ours, args.merge or _default_kubeconfig())
    console.print(f"merged context {CONTEXT!r} into {written} (now the current context)")
    return 0
