"""Benchmarks that ship with the package: ``kube-actors bench`` and ``benchmarks/`` run them.

``scheduler``: Kubernetes' scheduler_perf workloads, the scheduling framework alone and end to
end through a control plane (``kube-actors bench scheduler``, ``python -m benchmarks.scheduler``).
Each prints its figures beside a baseline measured in the same run; none asserts on time.
"""

from . import _scheduler as scheduler
from . import _soak as soak

__all__ = ["scheduler", "soak"]
