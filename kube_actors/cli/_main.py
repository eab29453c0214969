"""Entry point of the ``kube-actors`` command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from rich.console import Console

from .._version import __version__
from ..bench import scheduler as scheduler_bench
from ._agent import add_agent_arguments, agent
from ._demo import demo
from ._logging import configure_logging
from ._snapshot import add_arguments as add_snapshot_arguments
from ._snapshot import run_snapshot
from ._token import add_token_arguments, token_command
from ._up import add_kubeconfig_arguments, add_up_arguments, kubeconfig_command, up
from ._walkthrough import walkthrough


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kube-actors",
        description="Kubernetes' control plane and nodes as asyncio actors in one process.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="show the version"
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log every event in full (default: warnings and errors only)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    add_up_arguments(
        commands.add_parser(
            "up", help="a cluster in the foreground, serving Kubernetes' API for kubectl"
        )
    )
    add_kubeconfig_arguments(
        commands.add_parser("kubeconfig", help="print the kubeconfig of `up`, or merge it")
    )
    add_agent_arguments(
        commands.add_parser(
            "agent", help="one node (kubelet and kube-proxy) joining a cluster over its API"
        )
    )
    add_token_arguments(
        commands.add_parser("token", help="bootstrap tokens for joining nodes (kubeadm token)")
    )
    walk = commands.add_parser(
        "demo", help="the minikube walkthrough of the concept doc, in this process"
    )
    walk.add_argument(
        "--runtime",
        choices=("subprocess", "fake"),
        default="subprocess",
        help="real processes on real time (default), or fake containers on virtual time",
    )
    walk.add_argument(
        "--trace", action="store_true", help="then print the ten steps from the message trace"
    )
    commands.add_parser(
        "actors",
        help="the actor runtime at work: mailboxes, supervision, time",
        description="The actor runtime every component stands on, without Kubernetes: a "
        "ring of actors passing a token, a crash and its supervised restart, an hour of "
        "virtual time passing in a blink, and the message trace that explains it.",
    )
    bench = commands.add_parser("bench", help="benchmarks").add_subparsers(
        dest="benchmark", required=True
    )
    scheduler_bench.add_arguments(
        bench.add_parser("scheduler", help="scheduler_perf's workloads: pods/s, framework and e2e")
    )
    add_snapshot_arguments(
        commands.add_parser("snapshot", help="save, restore or check snapshots of a store")
    )
    args = parser.parse_args(argv)
    configure_logging(verbose=args.verbose)
    if args.command == "up":
        # Paths and URLs are copied from this output: never wrap them.
        return up(args, Console(soft_wrap=True))
    if args.command == "agent":
        return agent(args, Console(soft_wrap=True))
    if args.command == "token":
        return token_command(args, Console(soft_wrap=True))
    if args.command == "kubeconfig":
        return kubeconfig_command(args, Console())
    if args.command == "demo":
        # kubectl's tables want room: wider than a pipe's default 80 columns.
        walkthrough(
            Console(width=max(Console().width, 120)), runtime=args.runtime, trace=args.trace
        )
    elif args.command == "actors":
        demo(Console())
    elif args.command == "bench" and args.benchmark == "scheduler":
        return scheduler_bench.main(args)
    elif args.command == "snapshot":
        return run_snapshot(args, Console())
    return 0
