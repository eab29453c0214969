"""Registers Kubernetes' built-in kinds, with their defaulting and validation hooks."""

from __future__ import annotations

from . import _defaults as d
from . import _validate_apps as va
from . import _validate_autoscaling as vas
from . import _validate_batch as vb
from . import _validate_certificates as vcert
from . import _validate_config as vcfg
from . import _validate_core as vc
from . import _validate_discovery as vdisc
from . import _validate_ingress as ving
from . import _validate_policy as vp
from . import _validate_quota as vq
from . import _validate_rbac as vr
from . import _validate_storage as vs
from ._apps import DaemonSet, Deployment, ReplicaSet, StatefulSet
from ._autoscaling import HorizontalPodAutoscaler
from ._batch import Job
from ._certificates import CertificateSigningRequest
from ._config import ConfigMap, Secret
from ._controller_revision import ControllerRevision
from ._core import Binding, Event, Lease, Namespace, PriorityClass, ServiceAccount
from ._crd import CustomResourceDefinition, validate_custom_resource_definition
from ._cronjob import CronJob
from ._endpoint_slice import EndpointSlice
from ._ingress import Ingress, IngressClass
from ._metrics import NodeMetrics, PodMetrics
from ._node import Node
from ._pod import Pod
from ._policy import PodDisruptionBudget
from ._quota import LimitRange, ResourceQuota
from ._rbac import ClusterRole, ClusterRoleBinding, Role, RoleBinding
from ._registry import ScaleSubresource, register_kind
from ._reviews import (
    LocalSubjectAccessReview,
    SelfSubjectAccessReview,
    SelfSubjectReview,
    SelfSubjectRulesReview,
    SubjectAccessReview,
    TokenReview,
)
from ._service import Endpoints, Service
from ._storage import PersistentVolume, PersistentVolumeClaim, StorageClass
from ._validate_pod import validate_pod

__all__: list[str] = []

#: The scale subresource of Deployments, ReplicaSets and StatefulSets.
_SCALE = ScaleSubresource(label_selector_path=".spec.selector")

register_kind(Namespace, namespaced=False, default=d.default_namespace)
register_kind(Node, namespaced=False, default=d.default_node, validate=vc.validate_node)
register_kind(Pod, default=d.default_pod, validate=validate_pod)
register_kind(Service, default=d.default_service, validate=vc.validate_service)
register_kind(Endpoints, plural="endpoints", validate=vc.validate_endpoints)
register_kind(
    EndpointSlice,
    default=vdisc.default_endpoint_slice,
    validate=vdisc.validate_endpoint_slice,
)
register_kind(ServiceAccount)
register_kind(
    CustomResourceDefinition,
    namespaced=False,
    validate=validate_custom_resource_definition,
)
register_kind(Event, validate=vc.validate_event)
register_kind(Binding, validate=vc.validate_binding)
register_kind(
    Deployment, default=d.default_deployment, validate=va.validate_deployment, scale=_SCALE
)
register_kind(
    ReplicaSet, default=d.default_replica_set, validate=va.validate_replica_set, scale=_SCALE
)
register_kind(DaemonSet, default=d.default_daemon_set, validate=va.validate_daemon_set)
register_kind(
    StatefulSet, default=d.default_stateful_set, validate=va.validate_stateful_set, scale=_SCALE
)
register_kind(Job, default=d.default_job, validate=va.validate_job)
register_kind(CronJob, default=vb.default_cron_job, validate=vb.validate_cron_job)
register_kind(ControllerRevision, validate=va.validate_controller_revision)
register_kind(Lease, validate=vc.validate_lease)
register_kind(
    CertificateSigningRequest, namespaced=False, validate=vcert.validate_certificate_signing_request
)
register_kind(
    HorizontalPodAutoscaler,
    default=vas.default_horizontal_pod_autoscaler,
    validate=vas.validate_horizontal_pod_autoscaler,
)
register_kind(PodDisruptionBudget, validate=vp.validate_pod_disruption_budget)
register_kind(
    PriorityClass,
    namespaced=False,
    default=d.default_priority_class,
    validate=vc.validate_priority_class,
)
register_kind(ResourceQuota, validate=vq.validate_resource_quota)
register_kind(LimitRange, default=vq.default_limit_range, validate=vq.validate_limit_range)
register_kind(ConfigMap, validate=vcfg.validate_config_map)
register_kind(Secret, default=vcfg.default_secret, validate=vcfg.validate_secret)
register_kind(PersistentVolumeClaim, default=vs.default_claim, validate=vs.validate_claim)
register_kind(
    PersistentVolume, namespaced=False, default=vs.default_volume, validate=vs.validate_volume
)
register_kind(
    StorageClass,
    namespaced=False,
    default=vs.default_storage_class,
    validate=vs.validate_storage_class,
)
register_kind(Ingress, validate=ving.validate_ingress)
register_kind(IngressClass, namespaced=False, validate=ving.validate_ingress_class)
register_kind(Role, validate=vr.validate_role)
register_kind(ClusterRole, namespaced=False, validate=vr.validate_cluster_role)
register_kind(RoleBinding, default=vr.default_binding, validate=vr.validate_role_binding)
register_kind(
    ClusterRoleBinding,
    namespaced=False,
    default=vr.default_binding,
    validate=vr.validate_cluster_role_binding,
)
for review in (
    SubjectAccessReview,
    SelfSubjectAccessReview,
    SelfSubjectRulesReview,
    SelfSubjectReview,
    TokenReview,
):
    # Answered by the HTTP server's authenticators and authorizer, never stored.
    register_kind(review, namespaced=False)
register_kind(LocalSubjectAccessReview)
# Served by the metrics server through the apiserver (never stored): get and list only.
register_kind(PodMetrics, plural="pods")
register_kind(NodeMetrics, plural="nodes", namespaced=False)
