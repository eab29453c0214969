"""kube_actors: Kubernetes' control plane and nodes as asyncio actors in one Python process."""

from ._version import __version__ as __version__

__all__ = ["__version__"]
