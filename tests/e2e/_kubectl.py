"""Running the real kubectl against a served cluster: bounded waits, no sleeps."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import anyio
import pytest

#: kubectl must be there on CI (``.ci/run`` installs it); elsewhere its absence skips.
KUBECTL = shutil.which("kubectl")


def require_kubectl() -> str:
    if KUBECTL is None:
        if os.environ.get("CI"):
            pytest.fail("kubectl is not installed, and CI needs it: see .ci/run")
        pytest.skip("kubectl is not installed (CI installs it; apt-get install kubectl)")
    return KUBECTL


class Kubectl:
    """``await kubectl("get", "pods")``: kubectl's output; a failure shows its stderr."""

    def __init__(self, kubeconfig: Path, *, timeout: float = 60.0) -> None:
        self.binary = require_kubectl()
        self.kubeconfig = kubeconfig
        self.timeout = timeout

    async def run(
        self, *args: str, stdin: str | None = None, env: Mapping[str, str] | None = None
    ) -> tuple[int, str, str]:
        command = [self.binary, "--kubeconfig", str(self.kubeconfig), *args]
        with anyio.fail_after(self.timeout):
            result = await anyio.run_process(
                command,
                input=stdin.encode() if stdin is not None else None,
                check=False,
                env={**os.environ, **(env or {})},
            )
        return result.returncode, result.stdout.decode(), result.stderr.decode()

    async def __call__(
        self, *args: str, stdin: str | None = None, env: Mapping[str, str] | None = None
    ) -> str:
        code, out, err = await self.run(*args, stdin=stdin, env=env)
        assert code == 0, f"kubectl {' '.join(args)} failed ({code}): {err or out}"
        return out
