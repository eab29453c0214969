"""kube_actors: Kubernetes' control plane and nodes as asyncio actors in one Python process.

The public face: ``Cluster`` (and ``SyncCluster``, what ``Cluster(...).sync()`` gives
scripts), ``Client``, what ``Cluster.apply`` reports (``ApplyResult``), fault handles
(``Fault``, ``Faults``), the errors, ``__version__``. Everything else lives in the
subpackages (``kube_actors.api`` for the kinds, ``kube_actors.reconcile`` for the controller
contract, ``kube_actors.actors`` for the runtime).
"""

from . import errors as errors
from ._version import __version__ as __version__
from .client import Client as Client
from .cluster import Cluster as Cluster
from .cluster import Fault as Fault
from .cluster import Faults as Faults
from .cluster import SyncCluster as SyncCluster
from .kubectl import ApplyResult as ApplyResult

__all__ = [
    "ApplyResult",
    "Client",
    "Cluster",
    "Fault",
    "Faults",
    "SyncCluster",
    "__version__",
    "errors",
]
