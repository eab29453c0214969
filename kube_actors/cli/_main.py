"""Entry point of the ``kube-actors`` command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from rich.console import Console

from ._demo import demo
from ._logging import configure_logging


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kube-actors",
        description="Kubernetes' control plane and nodes as asyncio actors in one process.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every event in full")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="show kube_actors at work")
    args = parser.parse_args(argv)
    configure_logging(verbose=args.verbose)
    if args.command == "demo":
        demo(Console())
    return 0
