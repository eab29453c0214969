"""The pause image: sleep until stopped, and exit 0 on SIGTERM or SIGINT."""

from __future__ import annotations

import signal
import sys
from types import FrameType


def _exit(signum: int, frame: FrameType | None) -> None:
    sys.exit(0)


def main() -> None:
    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGINT, _exit)
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
