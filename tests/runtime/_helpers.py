"""Shared helpers for the runtime tests: start a one-container pod in a few words."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from kube_actors.api import ContainerPort
from kube_actors.runtime import ContainerConfig, ContainerRuntime, PodSandboxConfig


async def start_pod(
    runtime: ContainerRuntime,
    image: str = "busybox",
    *,
    pod: str = "pod",
    name: str = "main",
    command: Sequence[str] = (),
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    annotations: Mapping[str, str] | None = None,
    ports: Sequence[int] = (),
    memory_limit: int | None = None,
    ip: str = "",
    stdin: bool = False,
    stdin_once: bool = False,
    tty: bool = False,
) -> tuple[str, str]:
    """Run a sandbox for ``pod`` and start one container in it; (sandbox id, container id)."""
    sandbox = await runtime.run_pod_sandbox(
        PodSandboxConfig(
            name=pod,
            namespace="default",
            uid=f"uid-{pod}",
            ip=ip,
            node_name="node-1",
            annotations=annotations or {},
        )
    )
    container = await create_container(
        runtime,
        sandbox,
        image,
        name=name,
        command=command,
        args=args,
        env=env,
        ports=ports,
        memory_limit=memory_limit,
        stdin=stdin,
        stdin_once=stdin_once,
        tty=tty,
    )
    await runtime.start_container(container)
    return sandbox, container


async def create_container(
    runtime: ContainerRuntime,
    sandbox: str,
    image: str = "busybox",
    *,
    name: str = "main",
    command: Sequence[str] = (),
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    ports: Sequence[int] = (),
    memory_limit: int | None = None,
    attempt: int = 0,
    stdin: bool = False,
    stdin_once: bool = False,
    tty: bool = False,
) -> str:
    config = ContainerConfig(
        name=name,
        image=image,
        attempt=attempt,
        command=command,
        args=args,
        envs=env or {},
        ports=tuple(ContainerPort(name="http", container_port=p) for p in ports),
        memory_limit=memory_limit,
        stdin=stdin,
        stdin_once=stdin_once,
        tty=tty,
    )
    return await runtime.create_container(sandbox, config)


def process_tree(root: int) -> list[int]:
    """``root`` and every process descended from it (Linux ``/proc``): a container's
    command runs under a launcher (``setpriv``, ``unshare`` and a namespace's init)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                # The command (field 2) may hold spaces; the parent is the 2nd field after it.
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree
