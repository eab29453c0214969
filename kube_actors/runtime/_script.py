"""Scripts for the fake runtime: how a fake container behaves, as data.

As KWOK describes fake pod lifecycles with stages (a delay, then the next status), a
``ContainerScript`` says how long a container takes to start, when it exits and with what
code, when it becomes ready, when its liveness fails, whether it ignores SIGTERM, and what
it logs. Scripts come from Python (``FakeRuntime(scripts=...)``) and from the pod's
annotations, which win::

    metadata:
      annotations:
        fake.kube-actors.io/web.exit-after: "30s"      # container "web" only
        fake.kube-actors.io/web.exit-code: "1"
        fake.kube-actors.io/ready-after: "5s"          # every container of the pod
        fake.kube-actors.io/image-pull-fail: "example.com/broken:1,other"
        fake.kube-actors.io/exec: '{"cat /etc/hostname": {"stdout": "web\\n"}}'

``exec`` answers ``kubectl exec`` and exec probes: the command, its words joined by spaces,
maps to what it writes and its exit code; a command the script does not name succeeds and
writes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

__all__ = [
    "ANNOTATION_PREFIX",
    "IMAGE_PULL_FAIL",
    "ContainerScript",
    "ExecReply",
    "image_pull_failures",
    "parse_duration",
    "script_from_annotations",
]

ANNOTATION_PREFIX = "fake.kube-actors.io/"
#: A comma-separated list of images whose pull fails for this pod.
IMAGE_PULL_FAIL = ANNOTATION_PREFIX + "image-pull-fail"


def _lines(lines: Iterable[str]) -> tuple[str, ...]:
    return tuple(lines)


@attrs.frozen(kw_only=True)
class ExecReply:
    """What a scripted exec writes and how it ends."""

    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0


def _replies(replies: Mapping[str, ExecReply]) -> Mapping[str, ExecReply]:
    return dict(replies)


@attrs.frozen(kw_only=True)
class ContainerScript:
    """How one fake container behaves; the defaults start at once, run forever, are ready.

    Durations are seconds on the cluster's clock, counted from the moment the container
    started (after ``start_latency``).
    """

    #: Seconds ``start_container`` takes before the container runs.
    start_latency: float = 0.0
    #: Seconds until the container exits on its own; None runs until stopped.
    exit_after: float | None = None
    #: The exit code when it exits on its own (0 is Completed, anything else Error).
    exit_code: int = 0
    #: Seconds until readiness probes succeed.
    ready_after: float = 0.0
    #: Seconds until liveness probes start to fail; None never.
    liveness_fails_after: float | None = None
    #: Ignore SIGTERM, so stopping it takes the whole grace period and ends in SIGKILL.
    ignore_sigterm: bool = False
    #: The exit code on SIGTERM: 0 as a server that shuts down cleanly; 143 as a process
    #: the signal killed.
    sigterm_exit_code: int = 0
    #: Lines the container writes to its log when it starts.
    logs: tuple[str, ...] = attrs.field(default=(), converter=_lines)
    #: Answers to exec, by command (its words joined by spaces).
    exec: Mapping[str, ExecReply] = attrs.field(factory=dict, converter=_replies)

    def exec_reply(self, command: Iterable[str]) -> ExecReply:
        """The scripted answer to ``command``: success and no output if it is not named."""
        return self.exec.get(" ".join(command), _SILENT)

    @classmethod
    def crashing(cls, exit_code: int = 1, **fields: Any) -> ContainerScript:
        """A container that exits at once with ``exit_code`` (a crash loop, restarted)."""
        return cls(exit_after=0.0, exit_code=exit_code, **fields)


_SILENT = ExecReply()

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")


def parse_duration(text: str) -> float:
    """Seconds in a Go-style duration (``"1m30s"``, ``"500ms"``) or a bare number."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    position, total = 0, 0.0
    for match in _DURATION.finditer(text):
        if match.start() != position:
            break
        total += float(match[1]) * _UNITS[match[2]]
        position = match.end()
    if position != len(text) or not text:
        raise ValueError(f"invalid duration {text!r}: use e.g. 30s, 1m30s, 500ms or 2.5")
    return total


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise ValueError(f"invalid boolean {text!r}: use true or false")
    return lowered == "true"


def _parse_lines(text: str) -> tuple[str, ...]:
    return tuple(text.splitlines())


def _parse_exec(text: str) -> dict[str, ExecReply]:
    try:
        data = json.loads(text)
    except ValueError as err:
        raise ValueError(f"invalid JSON: {err}") from None
    if not isinstance(data, dict):
        raise ValueError('use a JSON object: {"command words": {"stdout": ..., "exitCode": 0}}')
    replies: dict[str, ExecReply] = {}
    for command, reply in data.items():
        if not isinstance(reply, dict):
            raise ValueError(f"the answer to {command!r} must be an object")
        try:
            replies[command] = ExecReply(
                stdout=str(reply.get("stdout", "")),
                stderr=str(reply.get("stderr", "")),
                exit_code=int(reply.get("exitCode", 0)),
            )
        except (TypeError, ValueError):
            raise ValueError(f"exitCode of {command!r} must be an integer") from None
    return replies


#: Annotation field -> (attribute, parser).
_FIELDS: Mapping[str, tuple[str, Callable[[str], object]]] = {
    "start-latency": ("start_latency", parse_duration),
    "exit-after": ("exit_after", parse_duration),
    "exit-code": ("exit_code", int),
    "ready-after": ("ready_after", parse_duration),
    "liveness-fails-after": ("liveness_fails_after", parse_duration),
    "ignore-sigterm": ("ignore_sigterm", _parse_bool),
    "sigterm-exit-code": ("sigterm_exit_code", int),
    "logs": ("logs", _parse_lines),
    "exec": ("exec", _parse_exec),
}


def _changes(annotations: Mapping[str, str], prefix: str) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for field, (attribute, parse) in _FIELDS.items():
        raw = annotations.get(prefix + field)
        if raw is None:
            continue
        try:
            changes[attribute] = parse(raw)
        except ValueError as err:
            raise ValueError(f"annotation {prefix + field}: {err}") from None
    for switch, apply in (("crash", _crash), ("run-forever", _run_forever)):
        raw = annotations.get(prefix + switch)
        if raw is not None and _parse_bool(raw):
            apply(changes)
    return changes


def _crash(changes: dict[str, Any]) -> None:
    changes["exit_after"] = 0.0
    changes.setdefault("exit_code", 1)


def _run_forever(changes: dict[str, Any]) -> None:
    changes["exit_after"] = None


def script_from_annotations(
    annotations: Mapping[str, str], container: str, base: ContainerScript
) -> ContainerScript:
    """``base`` changed by the pod's annotations: pod-wide keys, then the container's own.

    A malformed value raises ``ValueError`` naming the annotation.
    """
    if not any(key.startswith(ANNOTATION_PREFIX) for key in annotations):
        return base
    changes = _changes(annotations, ANNOTATION_PREFIX)
    changes.update(_changes(annotations, f"{ANNOTATION_PREFIX}{container}."))
    return attrs.evolve(base, **changes) if changes else base


def image_pull_failures(annotations: Mapping[str, str]) -> frozenset[str]:
    raw = annotations.get(IMAGE_PULL_FAIL, "")
    return frozenset(image.strip() for image in raw.split(",") if image.strip())
