"""``kube-actors token create``: a bootstrap token for joining a node, as ``kubeadm token
create``.

It makes a random token ``<id>.<secret>`` (``[a-z0-9]{6}.[a-z0-9]{16}``), stores it as the
Secret ``bootstrap-token-<id>`` in ``kube-system`` (type ``bootstrap.kubernetes.io/token``,
with kubeadm's fields: ``token-id``, ``token-secret``, ``expiration``, the usages
``authentication`` and ``signing``, ``auth-extra-groups`` and an optional ``description``)
through the admin kubeconfig ``up`` wrote, and prints the token, only it, so that
``$(kube-actors token create)`` works. ``--ttl`` (default 24h; 0: it never expires),
``--description``, ``--groups`` (default ``system:bootstrappers:kubeadm:default-node-token``,
whose nodes' certificates are approved automatically) and ``--print-join-command`` are
kubeadm's flags.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path
from typing import Final

import anyio
from rich.console import Console

from ..client import Client, load_kubeconfig
from ..errors import ConfigError, KubeActorsError
from ..runtime._script import parse_duration
from ..server._bootstrap_tokens import (
    DEFAULT_NODE_TOKEN_GROUP,
    bootstrap_token_secret,
    new_bootstrap_token,
)
from ._snapshot import default_data_dir

__all__ = ["add_token_arguments", "token_command"]

_GROUP: Final = re.compile(r"^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$")


def add_token_arguments(parser: argparse.ArgumentParser) -> None:
    verbs = parser.add_subparsers(dest="token_verb", required=True)
    create = verbs.add_parser("create", help="make a bootstrap token and print it")
    create.add_argument(
        "--ttl",
        default="24h",
        help="how long until the token expires (default 24h; 0: never), e.g. 30m, 2h",
    )
    create.add_argument("--description", default="", help="what the token is for")
    create.add_argument(
        "--groups",
        default=DEFAULT_NODE_TOKEN_GROUP,
        metavar="GROUP[,...]",
        help=f"extra groups the token authenticates with (default {DEFAULT_NODE_TOKEN_GROUP})",
    )
    create.add_argument(
        "--print-join-command",
        action="store_true",
        help="print the whole `kube-actors agent` command that joins a node with it",
    )
    create.add_argument(
        "--data-dir",
        default=str(default_data_dir()),
        help="the data directory of `up`, whose admin kubeconfig is used",
    )


def _ttl(text: str) -> dt.timedelta | None:
    try:
        seconds = parse_duration(text)
    except ValueError as error:
        raise ValueError(f"--ttl: {error}") from None
    if seconds < 0:
        raise ValueError(f"--ttl: must not be negative, not {text!r}")
    return dt.timedelta(seconds=seconds) if seconds else None


def _groups(text: str) -> tuple[str, ...]:
    groups = tuple(g.strip() for g in text.split(",") if g.strip())
    for group in groups:
        if not _GROUP.match(group):
            raise ValueError(
                f"--groups: {group!r} must match {_GROUP.pattern} (a group of "
                '"system:bootstrappers:")'
            )
    return groups


async def _create(args: argparse.Namespace, kubeconfig: Path) -> tuple[str, str]:
    token = new_bootstrap_token()
    secret = bootstrap_token_secret(
        token, ttl=_ttl(args.ttl), description=args.description, extra_groups=_groups(args.groups)
    )
    config = load_kubeconfig(kubeconfig)
    async with Client.from_config(config, timeout=10) as client:
        await client.create(secret)
    return token, config.server


def token_command(args: argparse.Namespace, console: Console) -> int:
    """``token create``: print a new bootstrap token (or the command that joins with it)."""
    data_dir = Path(args.data_dir).expanduser()
    kubeconfig = data_dir / "kubeconfig"
    if not kubeconfig.exists():
        console.print(f"[red]error:[/] no kubeconfig at {kubeconfig}: run `kube-actors up` first")
        return 1
    try:
        _ttl(args.ttl)
        _groups(args.groups)
        token, server = anyio.run(_create, args, kubeconfig)
    except ValueError as error:
        console.print(f"[red]error:[/] {error}")
        return 2
    except (ConfigError, KubeActorsError) as error:
        console.print(f"[red]error:[/] cannot create the token: {error}")
        return 1
    if args.print_join_command:
        ca = data_dir / "pki" / "ca.crt"
        console.print(
            f"kube-actors agent --server {server} --token {token} --certificate-authority {ca}",
            highlight=False,
        )
    else:
        console.print(token, highlight=False)
    return 0
