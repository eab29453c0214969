"""Which clock a cluster runs on, said out loud.

``Cluster(clock=None)``, the default, runs on whatever loop is running: virtual time under
``kube_actors.actors.run``, ``sync(clock="virtual")`` or the pytest plugin's ``cluster``
fixture; real time under plain ``asyncio.run``. An application wants the latter; a test
almost never does (``settle(horizon=60)`` then takes a minute of wall time), yet nothing
looked different. So every cluster logs its clock (``cluster_clock``, at info), and where a
test runner asked for it (the pytest plugin does), a cluster left to the default that finds
itself on real time warns with ``RealTimeWarning``, which says how to get virtual time or
how to say that real time is meant (``clock="real"``).
"""

from __future__ import annotations

import warnings

from .._log import get_logger
from ..actors import ClockKind, is_virtual_time

__all__ = ["RealTimeWarning", "announce_clock", "warn_on_default_real_time"]

_log = get_logger("kube_actors.cluster")
_warn = False


class RealTimeWarning(UserWarning):
    """A cluster left to its default clock runs on real time, in a test (see the module)."""


def warn_on_default_real_time(enabled: bool = True) -> bool:
    """Whether a ``Cluster()`` with no ``clock`` warns when it lands on real time; the pytest
    plugin turns this on for the run, since a test rarely means real time. Returns the
    setting it replaces, to put back."""
    global _warn
    previous, _warn = _warn, enabled
    return previous


def announce_clock(chosen: ClockKind | None) -> None:
    """Log the clock the starting cluster runs on; warn if real time was likely an accident."""
    clock = "virtual" if is_virtual_time() else "real"
    _log.info("cluster_clock", clock=clock, chosen=chosen or "default: the running loop's")
    if chosen is None and clock == "real" and _warn:
        warnings.warn(
            RealTimeWarning(
                "this Cluster runs on real time (clock=None and the running loop is "
                "asyncio's own): settle(horizon=...) and timeouts take wall-clock seconds. "
                "For virtual time use the 'cluster' fixture (or @pytest.mark.cluster), "
                "kube_actors.testing.run_with_cluster, or Cluster(...).sync() with "
                "clock='virtual'; pass clock='real' if real time is what you mean"
            ),
            stacklevel=3,
        )
