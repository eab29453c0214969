"""kube_actors: Kubernetes' control plane and nodes as asyncio actors in one Python process.

The public face: ``Cluster``, ``Client``, the errors, ``__version__``. Everything else lives
in the subpackages (``kube_actors.api`` for the kinds, ``kube_actors.actors`` for the runtime).
"""

from . import errors as errors
from ._version import __version__ as __version__
from .client import Client as Client
from .cluster import Cluster as Cluster

__all__ = ["Client", "Cluster", "__version__", "errors"]
