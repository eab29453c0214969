"""The resource model: Kubernetes' kinds as frozen attrs classes, with no actors and no I/O.

Everything public is re-exported here; the modules behind it are private. Importing the package
registers the built-in kinds (``_builtins``), so manifests of those kinds load straight away.
"""

from __future__ import annotations

from . import _builtins  # noqa: F401  (registers the built-in kinds)
from ._affinity import Affinity as Affinity
from ._affinity import NodeAffinity as NodeAffinity
from ._affinity import NodeSelector as NodeSelector
from ._affinity import NodeSelectorRequirement as NodeSelectorRequirement
from ._affinity import NodeSelectorTerm as NodeSelectorTerm
from ._affinity import PodAffinity as PodAffinity
from ._affinity import PodAffinityTerm as PodAffinityTerm
from ._affinity import PodAntiAffinity as PodAntiAffinity
from ._affinity import PreferredSchedulingTerm as PreferredSchedulingTerm
from ._affinity import Taint as Taint
from ._affinity import Toleration as Toleration
from ._affinity import TopologySpreadConstraint as TopologySpreadConstraint
from ._affinity import WeightedPodAffinityTerm as WeightedPodAffinityTerm
from ._apps import DaemonSet as DaemonSet
from ._apps import DaemonSetCondition as DaemonSetCondition
from ._apps import DaemonSetSpec as DaemonSetSpec
from ._apps import DaemonSetStatus as DaemonSetStatus
from ._apps import DaemonSetUpdateStrategy as DaemonSetUpdateStrategy
from ._apps import Deployment as Deployment
from ._apps import DeploymentCondition as DeploymentCondition
from ._apps import DeploymentSpec as DeploymentSpec
from ._apps import DeploymentStatus as DeploymentStatus
from ._apps import DeploymentStrategy as DeploymentStrategy
from ._apps import ReplicaSet as ReplicaSet
from ._apps import ReplicaSetCondition as ReplicaSetCondition
from ._apps import ReplicaSetSpec as ReplicaSetSpec
from ._apps import ReplicaSetStatus as ReplicaSetStatus
from ._apps import RollingUpdateDaemonSet as RollingUpdateDaemonSet
from ._apps import RollingUpdateDeployment as RollingUpdateDeployment
from ._apps import RollingUpdateStatefulSetStrategy as RollingUpdateStatefulSetStrategy
from ._apps import StatefulSet as StatefulSet
from ._apps import StatefulSetCondition as StatefulSetCondition
from ._apps import StatefulSetSpec as StatefulSetSpec
from ._apps import StatefulSetStatus as StatefulSetStatus
from ._apps import StatefulSetUpdateStrategy as StatefulSetUpdateStrategy
from ._autoscaling import CrossVersionObjectReference as CrossVersionObjectReference
from ._autoscaling import HorizontalPodAutoscaler as HorizontalPodAutoscaler
from ._autoscaling import HorizontalPodAutoscalerBehavior as HorizontalPodAutoscalerBehavior
from ._autoscaling import HorizontalPodAutoscalerCondition as HorizontalPodAutoscalerCondition
from ._autoscaling import HorizontalPodAutoscalerSpec as HorizontalPodAutoscalerSpec
from ._autoscaling import HorizontalPodAutoscalerStatus as HorizontalPodAutoscalerStatus
from ._autoscaling import HPAScalingPolicy as HPAScalingPolicy
from ._autoscaling import HPAScalingRules as HPAScalingRules
from ._autoscaling import MetricSpec as MetricSpec
from ._autoscaling import MetricStatus as MetricStatus
from ._autoscaling import MetricTarget as MetricTarget
from ._autoscaling import MetricValueStatus as MetricValueStatus
from ._autoscaling import ResourceMetricSource as ResourceMetricSource
from ._autoscaling import ResourceMetricStatus as ResourceMetricStatus
from ._base import FrozenDict as FrozenDict
from ._base import evolve as evolve
from ._base import evolver as evolver
from ._base import mapping as mapping
from ._base import omitempty as omitempty
from ._base import seq as seq
from ._base import wire as wire
from ._batch import Job as Job
from ._batch import JobCondition as JobCondition
from ._batch import JobSpec as JobSpec
from ._batch import JobStatus as JobStatus
from ._batch import UncountedTerminatedPods as UncountedTerminatedPods
from ._certificates import KUBELET_CLIENT_SIGNER as KUBELET_CLIENT_SIGNER
from ._certificates import CertificateSigningRequest as CertificateSigningRequest
from ._certificates import CertificateSigningRequestCondition as CertificateSigningRequestCondition
from ._certificates import CertificateSigningRequestSpec as CertificateSigningRequestSpec
from ._certificates import CertificateSigningRequestStatus as CertificateSigningRequestStatus
from ._conditions import get_condition as get_condition
from ._conditions import remove_condition as remove_condition
from ._conditions import set_condition as set_condition
from ._config import SECRET_TYPES as SECRET_TYPES
from ._config import ConfigMap as ConfigMap
from ._config import ConfigMapEnvSource as ConfigMapEnvSource
from ._config import ConfigMapKeySelector as ConfigMapKeySelector
from ._config import EnvFromSource as EnvFromSource
from ._config import KeyToPath as KeyToPath
from ._config import ResourceFieldSelector as ResourceFieldSelector
from ._config import Secret as Secret
from ._config import SecretEnvSource as SecretEnvSource
from ._config import SecretKeySelector as SecretKeySelector
from ._container import Container as Container
from ._container import ContainerPort as ContainerPort
from ._container import ContainerState as ContainerState
from ._container import ContainerStateRunning as ContainerStateRunning
from ._container import ContainerStateTerminated as ContainerStateTerminated
from ._container import ContainerStateWaiting as ContainerStateWaiting
from ._container import ContainerStatus as ContainerStatus
from ._container import EnvVar as EnvVar
from ._container import EnvVarSource as EnvVarSource
from ._container import ExecAction as ExecAction
from ._container import HTTPGetAction as HTTPGetAction
from ._container import HTTPHeader as HTTPHeader
from ._container import ObjectFieldSelector as ObjectFieldSelector
from ._container import Probe as Probe
from ._container import ResourceRequirements as ResourceRequirements
from ._container import TCPSocketAction as TCPSocketAction
from ._container import VolumeMount as VolumeMount
from ._controller_revision import ControllerRevision as ControllerRevision
from ._converter import converter as converter
from ._converter import from_dict as from_dict
from ._converter import structure as structure
from ._converter import to_dict as to_dict
from ._converter import unstructure as unstructure
from ._converter import wire_names as wire_names
from ._core import Binding as Binding
from ._core import Event as Event
from ._core import EventSource as EventSource
from ._core import Lease as Lease
from ._core import LeaseSpec as LeaseSpec
from ._core import LocalObjectReference as LocalObjectReference
from ._core import Namespace as Namespace
from ._core import NamespaceCondition as NamespaceCondition
from ._core import NamespaceSpec as NamespaceSpec
from ._core import NamespaceStatus as NamespaceStatus
from ._core import PriorityClass as PriorityClass
from ._core import ServiceAccount as ServiceAccount
from ._crd import CustomResourceDefinition as CustomResourceDefinition
from ._cron_schedule import CronSchedule as CronSchedule
from ._cron_schedule import parse_schedule as parse_schedule
from ._cronjob import CronJob as CronJob
from ._cronjob import CronJobSpec as CronJobSpec
from ._cronjob import CronJobStatus as CronJobStatus
from ._cronjob import JobTemplateSpec as JobTemplateSpec
from ._defaults import default as default
from ._defaults import default_pod_spec as default_pod_spec
from ._dns import CLUSTER_DOMAIN as CLUSTER_DOMAIN
from ._dns import split_service_name as split_service_name
from ._endpoint_slice import ADDRESS_TYPES as ADDRESS_TYPES
from ._endpoint_slice import MANAGED_BY_LABEL as MANAGED_BY_LABEL
from ._endpoint_slice import SERVICE_NAME_LABEL as SERVICE_NAME_LABEL
from ._endpoint_slice import SKIP_MIRROR_LABEL as SKIP_MIRROR_LABEL
from ._endpoint_slice import Endpoint as Endpoint
from ._endpoint_slice import EndpointConditions as EndpointConditions
from ._endpoint_slice import EndpointHints as EndpointHints
from ._endpoint_slice import EndpointSlice as EndpointSlice
from ._endpoint_slice import EndpointSlicePort as EndpointSlicePort
from ._endpoint_slice import ForZone as ForZone
from ._field_selectors import FieldSelector as FieldSelector
from ._field_selectors import FieldTerm as FieldTerm
from ._field_selectors import parse_field_selector as parse_field_selector
from ._field_types import FieldType as FieldType
from ._field_types import declare_field as declare_field
from ._field_types import field_type as field_type
from ._hashing import NAME_ALPHABET as NAME_ALPHABET
from ._hashing import fnv32a as fnv32a
from ._hashing import safe_encode_string as safe_encode_string
from ._hashing import template_hash as template_hash
from ._ingress import BUILT_IN_INGRESS_CONTROLLER as BUILT_IN_INGRESS_CONTROLLER
from ._ingress import DEFAULT_INGRESS_CLASS_ANNOTATION as DEFAULT_INGRESS_CLASS_ANNOTATION
from ._ingress import PATH_TYPES as PATH_TYPES
from ._ingress import HTTPIngressPath as HTTPIngressPath
from ._ingress import HTTPIngressRuleValue as HTTPIngressRuleValue
from ._ingress import Ingress as Ingress
from ._ingress import IngressBackend as IngressBackend
from ._ingress import IngressClass as IngressClass
from ._ingress import IngressClassParametersReference as IngressClassParametersReference
from ._ingress import IngressClassSpec as IngressClassSpec
from ._ingress import IngressLoadBalancerIngress as IngressLoadBalancerIngress
from ._ingress import IngressLoadBalancerStatus as IngressLoadBalancerStatus
from ._ingress import IngressPortStatus as IngressPortStatus
from ._ingress import IngressRule as IngressRule
from ._ingress import IngressServiceBackend as IngressServiceBackend
from ._ingress import IngressSpec as IngressSpec
from ._ingress import IngressStatus as IngressStatus
from ._ingress import IngressTLS as IngressTLS
from ._ingress import ServiceBackendPort as ServiceBackendPort
from ._ingress import TypedLocalObjectReference as TypedLocalObjectReference
from ._intstr import IntOrString as IntOrString
from ._intstr import scaled_value_from_int_or_percent as scaled_value_from_int_or_percent
from ._limits import MAX_DEPTH as MAX_DEPTH
from ._limits import MAX_OBJECT_BYTES as MAX_OBJECT_BYTES
from ._limits import check_depth as check_depth
from ._limits import check_object_size as check_object_size
from ._limits import check_size as check_size
from ._limits import size_bound as size_bound
from ._list_options import ResourceVersionMatch as ResourceVersionMatch
from ._list_options import check_list_options as check_list_options
from ._managed_fields import record_apply as record_apply
from ._managed_fields import record_rewrite as record_rewrite
from ._managed_fields import record_update as record_update
from ._manifest import dump_manifests as dump_manifests
from ._manifest import load_manifests as load_manifests
from ._meta import KubeObject as KubeObject
from ._meta import LabelSelector as LabelSelector
from ._meta import LabelSelectorRequirement as LabelSelectorRequirement
from ._meta import ManagedFieldsEntry as ManagedFieldsEntry
from ._meta import ObjectMeta as ObjectMeta
from ._meta import ObjectReference as ObjectReference
from ._meta import OwnerReference as OwnerReference
from ._meta import controller_of as controller_of
from ._meta import namespaced_name as namespaced_name
from ._meta import owner_reference as owner_reference
from ._metrics import ContainerMetrics as ContainerMetrics
from ._metrics import NodeMetrics as NodeMetrics
from ._metrics import PodMetrics as PodMetrics
from ._metrics import format_window as format_window
from ._metrics import parse_window as parse_window
from ._node import ContainerImage as ContainerImage
from ._node import Node as Node
from ._node import NodeAddress as NodeAddress
from ._node import NodeCondition as NodeCondition
from ._node import NodeSpec as NodeSpec
from ._node import NodeStatus as NodeStatus
from ._node import NodeSystemInfo as NodeSystemInfo
from ._patch import MAX_JSON_PATCH_OPERATIONS as MAX_JSON_PATCH_OPERATIONS
from ._patch import apply_patch as apply_patch
from ._pod import HostIP as HostIP
from ._pod import Pod as Pod
from ._pod import PodCondition as PodCondition
from ._pod import PodIP as PodIP
from ._pod import PodSpec as PodSpec
from ._pod import PodStatus as PodStatus
from ._pod import PodTemplateSpec as PodTemplateSpec
from ._pod_helpers import TERMINAL_PHASES as TERMINAL_PHASES
from ._pod_helpers import is_pod_active as is_pod_active
from ._pod_helpers import is_pod_available as is_pod_available
from ._pod_helpers import is_pod_ready as is_pod_ready
from ._pod_helpers import is_pod_terminal as is_pod_terminal
from ._pod_helpers import pod_limits as pod_limits
from ._pod_helpers import pod_requests as pod_requests
from ._pod_helpers import requested_container as requested_container
from ._pod_log_options import PodLogOptions as PodLogOptions
from ._policy import Condition as Condition
from ._policy import Eviction as Eviction
from ._policy import PodDisruptionBudget as PodDisruptionBudget
from ._policy import PodDisruptionBudgetSpec as PodDisruptionBudgetSpec
from ._policy import PodDisruptionBudgetStatus as PodDisruptionBudgetStatus
from ._quantity import Quantity as Quantity
from ._quantity import QuantityFormat as QuantityFormat
from ._quick_init import keeps as keeps
from ._quick_init import quick_init as quick_init
from ._quick_init import quick_new as quick_new
from ._quota import LimitRange as LimitRange
from ._quota import LimitRangeItem as LimitRangeItem
from ._quota import LimitRangeSpec as LimitRangeSpec
from ._quota import ResourceQuota as ResourceQuota
from ._quota import ResourceQuotaSpec as ResourceQuotaSpec
from ._quota import ResourceQuotaStatus as ResourceQuotaStatus
from ._quota import ScopedResourceSelectorRequirement as ScopedResourceSelectorRequirement
from ._quota import ScopeSelector as ScopeSelector
from ._quota_usage import counted_kind as counted_kind
from ._quota_usage import missing_requests as missing_requests
from ._quota_usage import namespace_usage as namespace_usage
from ._quota_usage import pretty_resources as pretty_resources
from ._quota_usage import quota_matches as quota_matches
from ._quota_usage import quota_usage as quota_usage
from ._rbac import RBAC_GROUP as RBAC_GROUP
from ._rbac import AggregationRule as AggregationRule
from ._rbac import ClusterRole as ClusterRole
from ._rbac import ClusterRoleBinding as ClusterRoleBinding
from ._rbac import PolicyRule as PolicyRule
from ._rbac import Role as Role
from ._rbac import RoleBinding as RoleBinding
from ._rbac import RoleRef as RoleRef
from ._rbac import Subject as Subject
from ._registry import DefaultHook as DefaultHook
from ._registry import KindInfo as KindInfo
from ._registry import PrinterColumn as PrinterColumn
from ._registry import ScaleSubresource as ScaleSubresource
from ._registry import ValidateHook as ValidateHook
from ._registry import guess_plural as guess_plural
from ._registry import kind_info as kind_info
from ._registry import kinds as kinds
from ._registry import lookup_kind as lookup_kind
from ._registry import lookup_plural as lookup_plural
from ._registry import lookup_resource as lookup_resource
from ._registry import register_kind as register_kind
from ._requests import Create as Create
from ._requests import CreateEach as CreateEach
from ._requests import Delete as Delete
from ._requests import DeleteCollection as DeleteCollection
from ._requests import DeleteOptions as DeleteOptions
from ._requests import Get as Get
from ._requests import List as List
from ._requests import ObjectList as ObjectList
from ._requests import Patch as Patch
from ._requests import PatchType as PatchType
from ._requests import Preconditions as Preconditions
from ._requests import PropagationPolicy as PropagationPolicy
from ._requests import Update as Update
from ._requests import UpdateStatus as UpdateStatus
from ._requests import Watch as Watch
from ._requests import WatchEvent as WatchEvent
from ._requests import WatchEventType as WatchEventType
from ._requests import WatchStream as WatchStream
from ._reviews import LocalSubjectAccessReview as LocalSubjectAccessReview
from ._reviews import NonResourceAttributes as NonResourceAttributes
from ._reviews import NonResourceRule as NonResourceRule
from ._reviews import ResourceAttributes as ResourceAttributes
from ._reviews import ResourceRule as ResourceRule
from ._reviews import SelfSubjectAccessReview as SelfSubjectAccessReview
from ._reviews import SelfSubjectAccessReviewSpec as SelfSubjectAccessReviewSpec
from ._reviews import SelfSubjectReview as SelfSubjectReview
from ._reviews import SelfSubjectReviewStatus as SelfSubjectReviewStatus
from ._reviews import SelfSubjectRulesReview as SelfSubjectRulesReview
from ._reviews import SelfSubjectRulesReviewSpec as SelfSubjectRulesReviewSpec
from ._reviews import SubjectAccessReview as SubjectAccessReview
from ._reviews import SubjectAccessReviewSpec as SubjectAccessReviewSpec
from ._reviews import SubjectAccessReviewStatus as SubjectAccessReviewStatus
from ._reviews import SubjectRulesReviewStatus as SubjectRulesReviewStatus
from ._reviews import TokenReview as TokenReview
from ._reviews import TokenReviewSpec as TokenReviewSpec
from ._reviews import TokenReviewStatus as TokenReviewStatus
from ._reviews import UserInfo as UserInfo
from ._revisions import DESIRED_REPLICAS_ANNOTATION as DESIRED_REPLICAS_ANNOTATION
from ._revisions import LAST_APPLIED_ANNOTATION as LAST_APPLIED_ANNOTATION
from ._revisions import MAX_REPLICAS_ANNOTATION as MAX_REPLICAS_ANNOTATION
from ._revisions import POD_TEMPLATE_HASH_LABEL as POD_TEMPLATE_HASH_LABEL
from ._revisions import REVISION_ANNOTATION as REVISION_ANNOTATION
from ._revisions import REVISION_HISTORY_ANNOTATION as REVISION_HISTORY_ANNOTATION
from ._revisions import SKIPPED_ANNOTATIONS as SKIPPED_ANNOTATIONS
from ._revisions import equal_ignore_hash as equal_ignore_hash
from ._revisions import revision as revision
from ._revisions import without_hash as without_hash
from ._scale import replicas_patch as replicas_patch
from ._scale import scale_of as scale_of
from ._scale import scale_replicas as scale_replicas
from ._scale import scale_selector as scale_selector
from ._scale import scale_subresource as scale_subresource
from ._scale import with_spec_replicas as with_spec_replicas
from ._selectors import Requirement as Requirement
from ._selectors import Selector as Selector
from ._selectors import compile_selector as compile_selector
from ._selectors import parse_selector as parse_selector
from ._service import ClientIPConfig as ClientIPConfig
from ._service import EndpointAddress as EndpointAddress
from ._service import EndpointPort as EndpointPort
from ._service import Endpoints as Endpoints
from ._service import EndpointSubset as EndpointSubset
from ._service import LoadBalancerIngress as LoadBalancerIngress
from ._service import LoadBalancerStatus as LoadBalancerStatus
from ._service import Service as Service
from ._service import ServicePort as ServicePort
from ._service import ServiceSpec as ServiceSpec
from ._service import ServiceStatus as ServiceStatus
from ._service import SessionAffinityConfig as SessionAffinityConfig
from ._shape import Shape as Shape
from ._shape import shape_of as shape_of
from ._stats import ContainerStats as ContainerStats
from ._stats import NodeStats as NodeStats
from ._stats import PodReference as PodReference
from ._stats import PodStats as PodStats
from ._stats import Summary as Summary
from ._storage import DEFAULT_CLASS_ANNOTATION as DEFAULT_CLASS_ANNOTATION
from ._storage import PersistentVolume as PersistentVolume
from ._storage import PersistentVolumeClaim as PersistentVolumeClaim
from ._storage import PersistentVolumeClaimSpec as PersistentVolumeClaimSpec
from ._storage import PersistentVolumeClaimStatus as PersistentVolumeClaimStatus
from ._storage import PersistentVolumeSpec as PersistentVolumeSpec
from ._storage import PersistentVolumeStatus as PersistentVolumeStatus
from ._storage import StorageClass as StorageClass
from ._storage import VolumeNodeAffinity as VolumeNodeAffinity
from ._storage import VolumeResourceRequirements as VolumeResourceRequirements
from ._token_request import DEFAULT_TOKEN_EXPIRATION_SECONDS as DEFAULT_TOKEN_EXPIRATION_SECONDS
from ._token_request import BoundObjectReference as BoundObjectReference
from ._token_request import TokenRequest as TokenRequest
from ._token_request import TokenRequestSpec as TokenRequestSpec
from ._token_request import TokenRequestStatus as TokenRequestStatus
from ._validation import validate as validate
from ._validation import validate_status as validate_status
from ._validation import validation_causes as validation_causes
from ._volumes import ConfigMapProjection as ConfigMapProjection
from ._volumes import ConfigMapVolumeSource as ConfigMapVolumeSource
from ._volumes import DownwardAPIProjection as DownwardAPIProjection
from ._volumes import DownwardAPIVolumeFile as DownwardAPIVolumeFile
from ._volumes import DownwardAPIVolumeSource as DownwardAPIVolumeSource
from ._volumes import EmptyDirVolumeSource as EmptyDirVolumeSource
from ._volumes import HostPathVolumeSource as HostPathVolumeSource
from ._volumes import PersistentVolumeClaimVolumeSource as PersistentVolumeClaimVolumeSource
from ._volumes import ProjectedVolumeSource as ProjectedVolumeSource
from ._volumes import SecretProjection as SecretProjection
from ._volumes import SecretVolumeSource as SecretVolumeSource
from ._volumes import ServiceAccountTokenProjection as ServiceAccountTokenProjection
from ._volumes import Volume as Volume
from ._volumes import VolumeProjection as VolumeProjection

__all__ = [
    "ADDRESS_TYPES",
    "BUILT_IN_INGRESS_CONTROLLER",
    "CLUSTER_DOMAIN",
    "DEFAULT_CLASS_ANNOTATION",
    "DEFAULT_INGRESS_CLASS_ANNOTATION",
    "DEFAULT_TOKEN_EXPIRATION_SECONDS",
    "DESIRED_REPLICAS_ANNOTATION",
    "KUBELET_CLIENT_SIGNER",
    "LAST_APPLIED_ANNOTATION",
    "MANAGED_BY_LABEL",
    "MAX_DEPTH",
    "MAX_JSON_PATCH_OPERATIONS",
    "MAX_OBJECT_BYTES",
    "MAX_REPLICAS_ANNOTATION",
    "NAME_ALPHABET",
    "PATH_TYPES",
    "POD_TEMPLATE_HASH_LABEL",
    "RBAC_GROUP",
    "REVISION_ANNOTATION",
    "REVISION_HISTORY_ANNOTATION",
    "SECRET_TYPES",
    "SERVICE_NAME_LABEL",
    "SKIPPED_ANNOTATIONS",
    "SKIP_MIRROR_LABEL",
    "TERMINAL_PHASES",
    "Affinity",
    "AggregationRule",
    "Binding",
    "BoundObjectReference",
    "CertificateSigningRequest",
    "CertificateSigningRequestCondition",
    "CertificateSigningRequestSpec",
    "CertificateSigningRequestStatus",
    "ClientIPConfig",
    "ClusterRole",
    "ClusterRoleBinding",
    "Condition",
    "ConfigMap",
    "ConfigMapEnvSource",
    "ConfigMapKeySelector",
    "ConfigMapProjection",
    "ConfigMapVolumeSource",
    "Container",
    "ContainerImage",
    "ContainerMetrics",
    "ContainerPort",
    "ContainerState",
    "ContainerStateRunning",
    "ContainerStateTerminated",
    "ContainerStateWaiting",
    "ContainerStats",
    "ContainerStatus",
    "ControllerRevision",
    "Create",
    "CreateEach",
    "CronJob",
    "CronJobSpec",
    "CronJobStatus",
    "CronSchedule",
    "CrossVersionObjectReference",
    "CustomResourceDefinition",
    "DaemonSet",
    "DaemonSetCondition",
    "DaemonSetSpec",
    "DaemonSetStatus",
    "DaemonSetUpdateStrategy",
    "DefaultHook",
    "Delete",
    "DeleteCollection",
    "DeleteOptions",
    "Deployment",
    "DeploymentCondition",
    "DeploymentSpec",
    "DeploymentStatus",
    "DeploymentStrategy",
    "DownwardAPIProjection",
    "DownwardAPIVolumeFile",
    "DownwardAPIVolumeSource",
    "EmptyDirVolumeSource",
    "Endpoint",
    "EndpointAddress",
    "EndpointConditions",
    "EndpointHints",
    "EndpointPort",
    "EndpointSlice",
    "EndpointSlicePort",
    "EndpointSubset",
    "Endpoints",
    "EnvFromSource",
    "EnvVar",
    "EnvVarSource",
    "Event",
    "EventSource",
    "Eviction",
    "ExecAction",
    "FieldSelector",
    "FieldTerm",
    "FieldType",
    "ForZone",
    "FrozenDict",
    "Get",
    "HPAScalingPolicy",
    "HPAScalingRules",
    "HTTPGetAction",
    "HTTPHeader",
    "HTTPIngressPath",
    "HTTPIngressRuleValue",
    "HorizontalPodAutoscaler",
    "HorizontalPodAutoscalerBehavior",
    "HorizontalPodAutoscalerCondition",
    "HorizontalPodAutoscalerSpec",
    "HorizontalPodAutoscalerStatus",
    "HostIP",
    "HostPathVolumeSource",
    "Ingress",
    "IngressBackend",
    "IngressClass",
    "IngressClassParametersReference",
    "IngressClassSpec",
    "IngressLoadBalancerIngress",
    "IngressLoadBalancerStatus",
    "IngressPortStatus",
    "IngressRule",
    "IngressServiceBackend",
    "IngressSpec",
    "IngressStatus",
    "IngressTLS",
    "IntOrString",
    "Job",
    "JobCondition",
    "JobSpec",
    "JobStatus",
    "JobTemplateSpec",
    "KeyToPath",
    "KindInfo",
    "KubeObject",
    "LabelSelector",
    "LabelSelectorRequirement",
    "Lease",
    "LeaseSpec",
    "LimitRange",
    "LimitRangeItem",
    "LimitRangeSpec",
    "List",
    "LoadBalancerIngress",
    "LoadBalancerStatus",
    "LocalObjectReference",
    "LocalSubjectAccessReview",
    "ManagedFieldsEntry",
    "MetricSpec",
    "MetricStatus",
    "MetricTarget",
    "MetricValueStatus",
    "Namespace",
    "NamespaceCondition",
    "NamespaceSpec",
    "NamespaceStatus",
    "Node",
    "NodeAddress",
    "NodeAffinity",
    "NodeCondition",
    "NodeMetrics",
    "NodeSelector",
    "NodeSelectorRequirement",
    "NodeSelectorTerm",
    "NodeSpec",
    "NodeStats",
    "NodeStatus",
    "NodeSystemInfo",
    "NonResourceAttributes",
    "NonResourceRule",
    "ObjectFieldSelector",
    "ObjectList",
    "ObjectMeta",
    "ObjectReference",
    "OwnerReference",
    "Patch",
    "PatchType",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "PersistentVolumeClaimSpec",
    "PersistentVolumeClaimStatus",
    "PersistentVolumeClaimVolumeSource",
    "PersistentVolumeSpec",
    "PersistentVolumeStatus",
    "Pod",
    "PodAffinity",
    "PodAffinityTerm",
    "PodAntiAffinity",
    "PodCondition",
    "PodDisruptionBudget",
    "PodDisruptionBudgetSpec",
    "PodDisruptionBudgetStatus",
    "PodIP",
    "PodLogOptions",
    "PodMetrics",
    "PodReference",
    "PodSpec",
    "PodStats",
    "PodStatus",
    "PodTemplateSpec",
    "PolicyRule",
    "Preconditions",
    "PreferredSchedulingTerm",
    "PrinterColumn",
    "PriorityClass",
    "Probe",
    "ProjectedVolumeSource",
    "PropagationPolicy",
    "Quantity",
    "QuantityFormat",
    "ReplicaSet",
    "ReplicaSetCondition",
    "ReplicaSetSpec",
    "ReplicaSetStatus",
    "Requirement",
    "ResourceAttributes",
    "ResourceFieldSelector",
    "ResourceMetricSource",
    "ResourceMetricStatus",
    "ResourceQuota",
    "ResourceQuotaSpec",
    "ResourceQuotaStatus",
    "ResourceRequirements",
    "ResourceRule",
    "ResourceVersionMatch",
    "Role",
    "RoleBinding",
    "RoleRef",
    "RollingUpdateDaemonSet",
    "RollingUpdateDeployment",
    "RollingUpdateStatefulSetStrategy",
    "ScaleSubresource",
    "ScopeSelector",
    "ScopedResourceSelectorRequirement",
    "Secret",
    "SecretEnvSource",
    "SecretKeySelector",
    "SecretProjection",
    "SecretVolumeSource",
    "Selector",
    "SelfSubjectAccessReview",
    "SelfSubjectAccessReviewSpec",
    "SelfSubjectReview",
    "SelfSubjectReviewStatus",
    "SelfSubjectRulesReview",
    "SelfSubjectRulesReviewSpec",
    "Service",
    "ServiceAccount",
    "ServiceAccountTokenProjection",
    "ServiceBackendPort",
    "ServicePort",
    "ServiceSpec",
    "ServiceStatus",
    "SessionAffinityConfig",
    "Shape",
    "StatefulSet",
    "StatefulSetCondition",
    "StatefulSetSpec",
    "StatefulSetStatus",
    "StatefulSetUpdateStrategy",
    "StorageClass",
    "Subject",
    "SubjectAccessReview",
    "SubjectAccessReviewSpec",
    "SubjectAccessReviewStatus",
    "SubjectRulesReviewStatus",
    "Summary",
    "TCPSocketAction",
    "Taint",
    "TokenRequest",
    "TokenRequestSpec",
    "TokenRequestStatus",
    "TokenReview",
    "TokenReviewSpec",
    "TokenReviewStatus",
    "Toleration",
    "TopologySpreadConstraint",
    "TypedLocalObjectReference",
    "UncountedTerminatedPods",
    "Update",
    "UpdateStatus",
    "UserInfo",
    "ValidateHook",
    "Volume",
    "VolumeMount",
    "VolumeNodeAffinity",
    "VolumeProjection",
    "VolumeResourceRequirements",
    "Watch",
    "WatchEvent",
    "WatchEventType",
    "WatchStream",
    "WeightedPodAffinityTerm",
    "apply_patch",
    "check_depth",
    "check_list_options",
    "check_object_size",
    "check_size",
    "compile_selector",
    "controller_of",
    "converter",
    "counted_kind",
    "declare_field",
    "default",
    "default_pod_spec",
    "dump_manifests",
    "equal_ignore_hash",
    "evolve",
    "evolver",
    "field_type",
    "fnv32a",
    "format_window",
    "from_dict",
    "get_condition",
    "guess_plural",
    "is_pod_active",
    "is_pod_available",
    "is_pod_ready",
    "is_pod_terminal",
    "keeps",
    "kind_info",
    "kinds",
    "load_manifests",
    "lookup_kind",
    "lookup_plural",
    "lookup_resource",
    "mapping",
    "missing_requests",
    "namespace_usage",
    "namespaced_name",
    "omitempty",
    "owner_reference",
    "parse_field_selector",
    "parse_schedule",
    "parse_selector",
    "parse_window",
    "pod_limits",
    "pod_requests",
    "pretty_resources",
    "quick_init",
    "quick_new",
    "quota_matches",
    "quota_usage",
    "record_apply",
    "record_rewrite",
    "record_update",
    "register_kind",
    "remove_condition",
    "replicas_patch",
    "requested_container",
    "revision",
    "safe_encode_string",
    "scale_of",
    "scale_replicas",
    "scale_selector",
    "scale_subresource",
    "scaled_value_from_int_or_percent",
    "seq",
    "set_condition",
    "shape_of",
    "size_bound",
    "split_service_name",
    "structure",
    "template_hash",
    "to_dict",
    "unstructure",
    "validate",
    "validate_status",
    "validation_causes",
    "wire",
    "wire_names",
    "with_spec_replicas",
    "without_hash",
]
