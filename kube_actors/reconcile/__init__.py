"""The controller contract: Request, Result, Reconciler, the work queue and the runner.

A controller is a ``Reconciler`` declared in a ``ControllerSpec`` and run by a ``Controller``
actor; its ``WorkQueue`` has client-go's semantics (dedup, one worker per item, rate-limited
retries, delayed adds on the running clock). A ``Manager`` runs controllers on any
``Client`` (an HTTP one from ``Client.from_kubeconfig()``) outside a ``Cluster``.
"""

from ._contract import Reconciler as Reconciler
from ._contract import Request as Request
from ._contract import Result as Result
from ._contract import TerminalError as TerminalError
from ._controller import Controller as Controller
from ._controller import ControllerStatistics as ControllerStatistics
from ._controller import Enqueue as Enqueue
from ._controller import GetControllerStatistics as GetControllerStatistics
from ._controller import reconcile_log as reconcile_log
from ._controller import spawn_controller as spawn_controller
from ._handlers import EnqueueRequestForObject as EnqueueRequestForObject
from ._handlers import EnqueueRequestForOwner as EnqueueRequestForOwner
from ._handlers import EnqueueRequestsFromMapFunc as EnqueueRequestsFromMapFunc
from ._handlers import EventHandler as EventHandler
from ._handlers import MapFunc as MapFunc
from ._manager import Manager as Manager
from ._queue import QueueShutDown as QueueShutDown
from ._queue import QueueStatistics as QueueStatistics
from ._queue import WorkQueue as WorkQueue
from ._ratelimit import BucketRateLimiter as BucketRateLimiter
from ._ratelimit import ItemExponentialFailureRateLimiter as ItemExponentialFailureRateLimiter
from ._ratelimit import MaxOfRateLimiter as MaxOfRateLimiter
from ._ratelimit import RateLimiter as RateLimiter
from ._ratelimit import default_controller_rate_limiter as default_controller_rate_limiter
from ._spec import ControllerSpec as ControllerSpec
from ._spec import WatchSource as WatchSource

__all__ = [
    "BucketRateLimiter",
    "Controller",
    "ControllerSpec",
    "ControllerStatistics",
    "Enqueue",
    "EnqueueRequestForObject",
    "EnqueueRequestForOwner",
    "EnqueueRequestsFromMapFunc",
    "EventHandler",
    "GetControllerStatistics",
    "ItemExponentialFailureRateLimiter",
    "Manager",
    "MapFunc",
    "MaxOfRateLimiter",
    "QueueShutDown",
    "QueueStatistics",
    "RateLimiter",
    "Reconciler",
    "Request",
    "Result",
    "TerminalError",
    "WatchSource",
    "WorkQueue",
    "default_controller_rate_limiter",
    "reconcile_log",
    "spawn_controller",
]
