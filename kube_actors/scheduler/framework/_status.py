"""``Status`` and ``Code``: what every plugin returns instead of raising.

As in Kubernetes' framework, "the pod does not fit" is a result, not an error: a plugin
returns ``Status.unschedulable("Insufficient cpu")`` and the runtime collects the reasons
into the ``FailedScheduling`` message. Exceptions are left for programming errors.
"""

from __future__ import annotations

import enum

import attrs

from kube_actors.api import evolve

__all__ = ["SUCCESS", "Code", "Status"]


class Code(enum.IntEnum):
    """The outcome of a plugin (Kubernetes' ``framework.Code``)."""

    SUCCESS = 0
    #: Something went wrong inside the plugin; the pod is retried with back-off.
    ERROR = 1
    #: Does not fit here, but preemption (or a change in the cluster) might help.
    UNSCHEDULABLE = 2
    #: Does not fit here, and preempting pods on this node would not help either.
    UNSCHEDULABLE_AND_UNRESOLVABLE = 3
    #: A Permit plugin wants the pod to wait before binding.
    WAIT = 4
    #: The plugin has nothing to do for this pod (its later extension points are skipped).
    SKIP = 5


@attrs.frozen
class Status:
    """A code, the reasons behind it, and (filled in by the runtime) the plugin's name."""

    code: Code = Code.SUCCESS
    reasons: tuple[str, ...] = ()
    plugin: str = ""

    @classmethod
    def error(cls, message: str) -> Status:
        return cls(Code.ERROR, (message,))

    @classmethod
    def unschedulable(cls, *reasons: str) -> Status:
        return cls(Code.UNSCHEDULABLE, reasons)

    @classmethod
    def unresolvable(cls, *reasons: str) -> Status:
        """``UnschedulableAndUnresolvable``: preemption on this node cannot help."""
        return cls(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, reasons)

    @classmethod
    def skip(cls) -> Status:
        return _SKIP

    @property
    def is_success(self) -> bool:
        return self.code is Code.SUCCESS

    @property
    def is_skip(self) -> bool:
        return self.code is Code.SKIP

    @property
    def is_rejected(self) -> bool:
        """Unschedulable, with or without hope."""
        return self.code in (Code.UNSCHEDULABLE, Code.UNSCHEDULABLE_AND_UNRESOLVABLE)

    @property
    def message(self) -> str:
        return ", ".join(self.reasons)

    def with_plugin(self, plugin: str) -> Status:
        return self if self.plugin == plugin else evolve(self, plugin=plugin)


#: The one successful status (plugins may return it instead of building their own).
SUCCESS = Status()
_SKIP = Status(Code.SKIP)
