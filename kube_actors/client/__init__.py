"""How every component talks to the apiserver: the Client and informers.

``Client`` sends the API's verbs to the apiserver actor; ``Reader``, ``Writer`` and
``StatusWriter`` are the narrower views code should ask for. A ``SharedInformer`` keeps an
indexed cache of one kind current by list and watch and tells its handlers each change; an
``InformerFactory`` shares one informer per kind among all who watch it.

A ``Client`` talks to the apiserver actor in-process, or over HTTP to any Kubernetes API
server: ``Client.from_kubeconfig()``, ``Client.in_cluster()``, ``Client.from_config(config)``
with a ``ClientConfig`` (``load_kubeconfig``, ``in_cluster_config``); ``HttpTransport`` is
what they send through.
"""

from ._cached import CachedReader as CachedReader
from ._client import Client as Client
from ._client import LabelSelectorArg as LabelSelectorArg
from ._client import Reader as Reader
from ._client import StatusWriter as StatusWriter
from ._client import Transport as Transport
from ._client import Writer as Writer
from ._client import ignore_not_found as ignore_not_found
from ._config import SERVICE_ACCOUNT_DIR as SERVICE_ACCOUNT_DIR
from ._config import ClientConfig as ClientConfig
from ._config import in_cluster_config as in_cluster_config
from ._config import load_kubeconfig as load_kubeconfig
from ._events import EventRecorder as EventRecorder
from ._events import EventSink as EventSink
from ._events import EventType as EventType
from ._events import RecordEvent as RecordEvent
from ._events import event_name as event_name
from ._factory import InformerActor as InformerActor
from ._factory import InformerFactory as InformerFactory
from ._factory import Spawner as Spawner
from ._http import HttpTransport as HttpTransport
from ._http import HttpWatchStream as HttpWatchStream
from ._indexer import LABEL_INDEX as LABEL_INDEX
from ._indexer import NAMESPACE_INDEX as NAMESPACE_INDEX
from ._indexer import OWNER_UID_INDEX as OWNER_UID_INDEX
from ._indexer import Indexer as Indexer
from ._indexer import IndexFunc as IndexFunc
from ._indexer import object_key as object_key
from ._informer import EventHandlerFuncs as EventHandlerFuncs
from ._informer import HandlerRegistration as HandlerRegistration
from ._informer import InformerStatistics as InformerStatistics
from ._informer import ResourceEventHandler as ResourceEventHandler
from ._informer import SharedInformer as SharedInformer
from ._informer import hears_updates as hears_updates
from ._leader import LeaderElector as LeaderElector

__all__ = [
    "LABEL_INDEX",
    "NAMESPACE_INDEX",
    "OWNER_UID_INDEX",
    "SERVICE_ACCOUNT_DIR",
    "CachedReader",
    "Client",
    "ClientConfig",
    "EventHandlerFuncs",
    "EventRecorder",
    "EventSink",
    "EventType",
    "HandlerRegistration",
    "HttpTransport",
    "HttpWatchStream",
    "IndexFunc",
    "Indexer",
    "InformerActor",
    "InformerFactory",
    "InformerStatistics",
    "LabelSelectorArg",
    "LeaderElector",
    "Reader",
    "RecordEvent",
    "ResourceEventHandler",
    "SharedInformer",
    "Spawner",
    "StatusWriter",
    "Transport",
    "Writer",
    "event_name",
    "hears_updates",
    "ignore_not_found",
    "in_cluster_config",
    "load_kubeconfig",
    "object_key",
]
