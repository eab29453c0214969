"""kube-proxy: the service table, load balancing and TCP forwarding over loopback.

A ``KubeProxy`` actor per node watches Services and EndpointSlices and hands its ``ServiceTable``
to the host's ``DataPlane``, which listens on every ClusterIP:port and on its NodePort address
(127.0.0.1 by default) and nodePort, for each Service port with ready endpoints, and forwards
each connection to one (``Balancer``: round-robin, or sticky by client IP). ``http_get`` and
``served_by`` reach pods through it. The built-in ingress controller (``IngressController``)
serves Ingresses over HTTP on loopback (``IngressServer``, routes from ``build_routes``).
"""

from ..api import CLUSTER_DOMAIN as CLUSTER_DOMAIN
from ..api import split_service_name as split_service_name
from ._actor import KubeProxy as KubeProxy
from ._balancer import Balancer as Balancer
from ._dataplane import DataPlane as DataPlane
from ._dataplane import DataPlaneStatistics as DataPlaneStatistics
from ._dataplane import ListenFailure as ListenFailure
from ._http import HttpResponse as HttpResponse
from ._http import http_get as http_get
from ._http import pod_name_of as pod_name_of
from ._http import served_by as served_by
from ._ingress import IngressController as IngressController
from ._ingress_routes import IngressRoutes as IngressRoutes
from ._ingress_routes import Route as Route
from ._ingress_routes import Target as Target
from ._ingress_routes import build_routes as build_routes
from ._ingress_server import IngressServer as IngressServer
from ._table import ServicePortEntry as ServicePortEntry
from ._table import ServiceTable as ServiceTable
from ._table import build_table as build_table

__all__ = [
    "CLUSTER_DOMAIN",
    "Balancer",
    "DataPlane",
    "DataPlaneStatistics",
    "HttpResponse",
    "IngressController",
    "IngressRoutes",
    "IngressServer",
    "KubeProxy",
    "ListenFailure",
    "Route",
    "ServicePortEntry",
    "ServiceTable",
    "Target",
    "build_routes",
    "build_table",
    "http_get",
    "pod_name_of",
    "served_by",
    "split_service_name",
]
