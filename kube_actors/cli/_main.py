"""Entry point of the ``kube-actors`` command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kube-actors")
    parser.parse_args(argv)
    return 0
