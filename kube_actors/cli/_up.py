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

from ..cluster import Cluster, ElectionTimings
from ..etcd._remote import parse_endpoints
from ..server import CONTEXT, merge_kubeconfig
from ._snapshot import default_data_dir, store_file

__all__ = ["add_kubeconfig_arguments", "add_up_arguments", "kubeconfig_command", "up"]

DEFAULT_DATA_DIR: Final = str(default_data_dir())
DEFAULT_PORT: Final = 6443
#: The service-account signing key in the data directory (kubeadm's name for it).
SERVICE_ACCOUNT_KEY: Final = "sa.key"


def add_up_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nodes", type=int, default=1, help="how many nodes (default 1)")
    parser.add_argument(
        "--runtime",
        choices=("subprocess", "fake"),
        default="subprocess",
        help="containers as real processes (default) or fake ones",
    )
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
        "http://127.0.0.1:2379,...) instead of --store",
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
    """A Go duration as the Kubernetes binaries' flags take them: 15s, 1.5s, 500ms, 1m."""
    units = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
    for unit in ("ms", "s", "m", "h"):
        if text.endswith(unit):
            number = text[: -len(unit)]
            break
    else:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}: a number and a unit, 15s")
    try:
        seconds = float(number) * units[unit]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid duration {text!r}: a number and a unit, 15s"
        ) from None
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
    if args.etcd_servers is not None:
        try:
            args.store = "etcd://" + ",".join(parse_endpoints(args.etcd_servers))
        except ValueError as error:
            console.print(f"[red]error:[/] --etcd-servers: {error}")
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
    if args.nodes < 0:
        console.print(f"[red]error:[/] --nodes: must be 0 or more, not {args.nodes}")
        return 2
    try:
        cluster = _cluster(args)
    except ValueError as error:
        console.print(f"[red]error:[/] --leader-elect-*: {error}")
        return 2
    try:
        anyio.run(_serve, args, console, cluster)
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
