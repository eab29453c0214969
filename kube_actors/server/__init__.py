"""The HTTP face of the apiserver: Kubernetes' REST API for kubectl and every client.

``ApiHttpServer`` serves a cluster's apiserver (``Cluster.serve()`` wires it); ``Served`` says
where; the kubeconfig helpers write and merge what kubectl reads. Pure functions the server
calls: the OpenAPI v3 index and documents (``openapi_v3_index``, ``openapi_v3_document``,
``openapi_v3_hash``, functions of the kind registry), ``meta.k8s.io/v1`` Tables for
``kubectl get`` (``table_for``) and Kubernetes' protobuf bodies (``decode_protobuf``,
``encode_protobuf``). Authentication: ``TokenAuthenticator`` (``authenticate(token) ->
UserInfo | None``), ``StaticTokens`` (a ``--token-auth-file``).
"""

from __future__ import annotations

from ..api._protobuf import decode_protobuf as decode_protobuf
from ..api._protobuf_encode import encode_protobuf as encode_protobuf
from ._authn import ServiceAccountTokens as ServiceAccountTokens
from ._authn import StaticTokens as StaticTokens
from ._authn import TokenAuthenticator as TokenAuthenticator
from ._authn import UserInfo as UserInfo
from ._exec import StreamSource as StreamSource
from ._kubeconfig import CONTEXT as CONTEXT
from ._kubeconfig import kubeconfig_dict as kubeconfig_dict
from ._kubeconfig import kubeconfig_text as kubeconfig_text
from ._kubeconfig import merge_kubeconfig as merge_kubeconfig
from ._logs import LogSource as LogSource
from ._openapi import openapi_v3_document as openapi_v3_document
from ._openapi import openapi_v3_hash as openapi_v3_hash
from ._openapi import openapi_v3_index as openapi_v3_index
from ._server import ApiHttpServer as ApiHttpServer
from ._server import Served as Served
from ._tables import table_for as table_for

__all__ = [
    "ApiHttpServer",
    "CONTEXT",
    "LogSource",
    "Served",
    "ServiceAccountTokens",
    "StaticTokens",
    "StreamSource",
    "TokenAuthenticator",
    "UserInfo",
    "decode_protobuf",
    "encode_protobuf",
    "kubeconfig_dict",
    "kubeconfig_text",
    "merge_kubeconfig",
    "openapi_v3_document",
    "openapi_v3_hash",
    "openapi_v3_index",
    "table_for",
]
