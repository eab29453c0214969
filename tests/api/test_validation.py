"""Validation reports every problem of an object together, each at its field path."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors.api import (
    Container,
    ContainerPort,
    Deployment,
    ObjectMeta,
    Pod,
    PodSpec,
    Service,
    Toleration,
    default,
    from_dict,
    validate,
    validation_causes,
)
from kube_actors.api import _checks as c
from kube_actors.api import _field as f
from kube_actors.api._base import FrozenDict
from kube_actors.api._limits import int_range_causes
from kube_actors.api._names import is_label_value, is_qualified_name
from kube_actors.errors import Invalid

from .strategies import pod_specs

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 80}]
"""


def _deployment(**changes: Any) -> Deployment:
    data = yaml.safe_load(DEPLOYMENT)
    for path, value in changes.items():
        target = data
        *parents, leaf = path.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[leaf] = value
    obj = default(from_dict(data))
    assert isinstance(obj, Deployment)
    return obj


def _fields(obj: Any, old: Any = None) -> set[str]:
    return {cause.field for cause in validation_causes(obj, old)}


def test_a_valid_deployment_passes() -> None:
    validate(_deployment())


def test_all_errors_of_an_object_come_in_one_invalid() -> None:
    deployment = _deployment(spec__replicas=-1)
    spec = deployment.spec.template.spec
    bad_container = attrs.evolve(spec.containers[0], name="Web_1", image="")
    template = attrs.evolve(
        deployment.spec.template,
        spec=attrs.evolve(spec, containers=[bad_container, bad_container]),
    )
    deployment = attrs.evolve(
        deployment,
        metadata=attrs.evolve(deployment.metadata, name="Not_A_Name"),
        spec=attrs.evolve(deployment.spec, template=template),
    )
    with pytest.raises(Invalid) as caught:
        validate(deployment)
    fields = {cause.field for cause in caught.value.causes}
    assert fields >= {
        "metadata.name",
        "spec.replicas",
        "spec.template.spec.containers[0].name",
        "spec.template.spec.containers[0].image",
        "spec.template.spec.containers[1].name",
    }
    message = str(caught.value)
    assert message.startswith('Deployment.apps "Not_A_Name" is invalid: [')
    assert "spec.replicas: Invalid value: -1: must be greater than or equal to 0" in message
    assert "spec.template.spec.containers[0].image: Required value" in message
    assert 'spec.template.spec.containers[1].name: Duplicate value: "Web_1"' in message


def test_selector_is_required_and_must_match_template_labels() -> None:
    assert "spec.template.metadata.labels" in _fields(
        _deployment(spec__selector={"matchLabels": {"app": "other"}})
    )
    no_selector = attrs.evolve(_deployment(), spec=attrs.evolve(_deployment().spec, selector=None))
    assert "spec.selector" in _fields(no_selector)


def test_max_surge_and_max_unavailable_may_not_both_be_zero() -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}
    causes = validation_causes(_deployment(spec__strategy=strategy))
    assert [str(c) for c in causes] == [
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: "
        "may not be 0 when `maxSurge` is 0"
    ]


def test_ports_must_be_in_range() -> None:
    deployment = _deployment()
    container = deployment.spec.template.spec.containers[0]
    bad = attrs.evolve(container, ports=[attrs.evolve(container.ports[0], container_port=70000)])
    pod = Pod(
        metadata=attrs.evolve(deployment.metadata, name="p"),
        spec=attrs.evolve(deployment.spec.template.spec, containers=[bad]),
    )
    assert _fields(pod) == {"spec.containers[0].ports[0].containerPort"}


def test_a_pod_without_containers_is_invalid() -> None:
    pod = default(
        from_dict({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "d"}})
    )
    assert _fields(pod) == {"spec.containers"}


def test_a_deployment_selector_is_immutable() -> None:
    old = _deployment()
    new = _deployment(
        spec__selector={"matchLabels": {"app": "web", "v": "2"}},
        spec__template__metadata__labels={"app": "web", "v": "2"},
    )
    causes = validation_causes(new, old)
    assert [c.field for c in causes] == ["spec.selector"]
    assert causes[0].message.endswith("field is immutable")


def _pod(**spec_changes: Any) -> Pod:
    deployment = _deployment()
    spec = attrs.evolve(deployment.spec.template.spec, **spec_changes)
    return Pod(metadata=attrs.evolve(deployment.metadata, name="p"), spec=spec)


def test_pod_updates_may_change_images_deadlines_and_add_tolerations() -> None:
    old = _pod()
    container = attrs.evolve(old.spec.containers[0], image="nginx:1.26")
    toleration = Toleration(key="k", operator="Exists", effect="NoSchedule")
    new = _pod(containers=[container], active_deadline_seconds=60, tolerations=[toleration])
    assert validation_causes(new, old) == []


def test_pod_updates_may_not_change_anything_else() -> None:
    old = _pod()
    assert _fields(_pod(node_name="node-1"), old) == {"spec"}
    toleration = Toleration(key="k", operator="Exists", effect="NoSchedule")
    assert _fields(_pod(), _pod(tolerations=[toleration])) == {"spec.tolerations"}


def test_service_cluster_ip_is_immutable_once_set() -> None:
    data = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s", "namespace": "d"},
        "spec": {"clusterIP": "10.0.0.1", "ports": [{"port": 80}]},
    }
    old = default(from_dict(data))
    assert isinstance(old, Service)
    new = attrs.evolve(old, spec=attrs.evolve(old.spec, cluster_ip="10.0.0.2"))
    assert _fields(new, old) == {"spec.clusterIP"}


def test_service_ports_need_names_when_there_are_several() -> None:
    data = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s", "namespace": "d"},
        "spec": {"ports": [{"port": 80}, {"port": 0, "name": "b"}]},
    }
    assert _fields(default(from_dict(data))) == {"spec.ports[0].name", "spec.ports[1].port"}


def test_a_job_template_must_not_restart_always() -> None:
    data = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j", "namespace": "d"},
        "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}},
    }
    causes = validation_causes(default(from_dict(data)))
    assert [c.field for c in causes] == ["spec.template.spec.restartPolicy"]
    assert causes[0].type == "FieldValueNotSupported"


def test_namespaced_objects_need_a_namespace_and_names_follow_dns_rules() -> None:
    pod = _pod()
    pod = attrs.evolve(pod, metadata=attrs.evolve(pod.metadata, namespace="", name="-bad-"))
    assert _fields(pod) == {"metadata.name", "metadata.namespace"}


def test_a_pod_spec_validated_before_is_judged_the_same_again() -> None:
    """Valid specs are remembered (#20): a Pod whose spec equals one found valid passes,
    and every invalid spec is checked afresh, with the same causes each time."""
    manifest = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]},
    }
    pod = default(from_dict(manifest))
    # An equal spec, another object (defaulting would give the very object again).
    valid = attrs.evolve(pod, spec=attrs.evolve(pod.spec))
    assert pod.spec == valid.spec
    assert pod.spec is not valid.spec
    assert validation_causes(pod) == validation_causes(valid) == []
    container = attrs.evolve(pod.spec.containers[0], name="Not_A_Name")
    broken = attrs.evolve(pod, spec=attrs.evolve(pod.spec, containers=[container]))
    first = validation_causes(broken)
    assert [c.field for c in first] == ["spec.containers[0].name"]
    assert validation_causes(broken) == first
    with pytest.raises(Invalid):
        validate(broken)
    # The same spec under a Deployment's template is judged at its own path.
    deployment = _deployment()
    template = attrs.evolve(deployment.spec.template, spec=broken.spec)
    causes = validation_causes(
        attrs.evolve(deployment, spec=attrs.evolve(deployment.spec, template=template))
    )
    assert "spec.template.spec.containers[0].name" in [c.field for c in causes]


def test_the_spec_every_pod_of_a_template_shares_is_checked_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kube_actors.api import _validate_pod

    checked: list[str] = []
    check = _validate_pod._pod_spec_causes

    def counted(path: str, spec: Any) -> Any:
        checked.append(path)
        return check(path, spec)

    monkeypatch.setattr(_validate_pod, "_pod_spec_causes", counted)
    deployment = _deployment(spec__template__spec__hostname="only-here")
    pods = [
        Pod(
            metadata=attrs.evolve(
                deployment.spec.template.metadata, name=f"web-{i}", namespace="default"
            ),
            spec=deployment.spec.template.spec,
        )
        for i in range(5)
    ]
    for pod in pods:
        assert validation_causes(pod) == []
    assert checked == ["spec"]


def test_a_specs_ints_are_judged_each_time_and_only_a_clean_spec_is_remembered() -> None:
    """A spec with every int in range is remembered by its identity (#20); one that is not
    is walked again every time, in the same order, and the rest of the object is always."""
    ports = [ContainerPort(container_port=2**40), ContainerPort(container_port=-(2**40))]
    bad_spec = PodSpec(
        containers=[Container(name="a", image="i", ports=ports)],
        termination_grace_period_seconds=2**64,
    )
    bad = Pod(metadata=ObjectMeta(name="p", generation=2**70), spec=bad_spec)
    expected = [
        "spec.terminationGracePeriodSeconds",
        "spec.containers[0].ports[1].containerPort",
        "spec.containers[0].ports[0].containerPort",
        "metadata.generation",
    ]
    for _ in range(2):
        assert [c.field for c in int_range_causes(bad)] == expected
    good_spec = PodSpec(containers=[Container(name="a", image="i")])
    assert int_range_causes(Pod(metadata=ObjectMeta(name="q"), spec=good_spec)) == []
    # The remembered spec under metadata out of range: the metadata is still checked.
    again = Pod(metadata=ObjectMeta(name="q", generation=2**70), spec=good_spec)
    assert [c.field for c in int_range_causes(again)] == ["metadata.generation"]


def test_an_int_out_of_range_is_reported_with_its_path_value_and_range() -> None:
    """Each cause names the field's path (below the path given), its value and the range of
    its type, int32 or int64 (Kubernetes' ``...Seconds`` and generations are int64)."""
    pod = Pod(
        metadata=ObjectMeta(name="p", generation=-(2**63) - 1),
        spec=PodSpec(
            containers=[Container(name="a", image="i", ports=[ContainerPort(container_port=2**31)])]
        ),
    )
    causes = int_range_causes(pod, "body")
    assert [(c.field, c.type) for c in causes] == [
        ("body.spec.containers[0].ports[0].containerPort", "FieldValueInvalid"),
        ("body.metadata.generation", "FieldValueInvalid"),
    ]
    assert "2147483648" in causes[0].message
    assert "must be an int32: between -2147483648 and 2147483647" in causes[0].message
    assert "must be an int64: between -9223372036854775808 and 9223372036854775807" in (
        causes[1].message
    )


def test_the_specs_of_pods_bound_to_many_nodes_are_checked_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A binding gives each Pod's spec its node's name: the spec without it, the same for
    every Pod of a template, is what is checked (#20: at 5,000 nodes every status write met
    a spec equal to none checked before and was checked whole)."""
    from kube_actors.api import _validate_pod

    checked: list[str] = []
    check = _validate_pod._pod_spec_causes

    def counted(path: str, spec: Any) -> Any:
        checked.append(spec.node_name)
        return check(path, spec)

    monkeypatch.setattr(_validate_pod, "_pod_spec_causes", counted)
    spec = _deployment(spec__template__spec__hostname="bound-here").spec.template.spec
    for i in range(5):
        assert (
            validation_causes(
                Pod(metadata=ObjectMeta(name=f"p-{i}", namespace="default"), spec=spec)
            )
            == []
        )
        bound = attrs.evolve(spec, node_name=f"node-{i}")
        assert (
            validation_causes(
                Pod(metadata=ObjectMeta(name=f"p-{i}", namespace="default"), spec=bound)
            )
            == []
        )
    assert checked == [""]
    # A name that is no DNS subdomain is found whole, with the spec's other problems.
    wrong = attrs.evolve(spec, node_name="Node_1", restart_policy="Sometimes")
    causes = validation_causes(Pod(metadata=ObjectMeta(name="p", namespace="default"), spec=wrong))
    assert [c.field for c in causes] == ["spec.restartPolicy", "spec.nodeName"]


_node_names = st.sampled_from(["", "node-1", "node-2", "Node_1", "a" * 254, "-x"])


@settings(max_examples=80, deadline=None)
@given(spec=pod_specs, node_name=_node_names, twin=_node_names, restart=st.booleans())
def test_a_bound_specs_causes_are_the_whole_checks_whatever_was_checked_before(
    spec: PodSpec, node_name: str, twin: str, restart: bool
) -> None:
    """The shortcut of a bound spec (its spec without the node's name looked up) gives the
    causes the whole checks give, with or without a twin bound elsewhere checked first."""
    from kube_actors.api import _validate_pod

    if restart:
        spec = attrs.evolve(spec, restart_policy="Sometimes")
    spec = attrs.evolve(default(Pod(metadata=ObjectMeta(name="p"), spec=spec)).spec)
    _validate_pod.validate_pod_spec("spec", attrs.evolve(spec, node_name=twin))
    bound = attrs.evolve(spec, node_name=node_name)
    expected = _validate_pod._pod_spec_causes("spec", bound)
    for _ in range(2):  # the second time remembered, if valid
        assert _validate_pod.validate_pod_spec("spec", bound) == expected


@settings(max_examples=40, deadline=None)
@given(spec=pod_specs)
def test_an_update_that_keeps_the_stored_spec_object_is_judged_as_one_with_an_equal_copy(
    spec: PodSpec,
) -> None:
    from kube_actors.api import _validate_pod

    copy = attrs.evolve(spec)
    assert copy is not spec
    assert _validate_pod._pod_update(spec, spec) == _validate_pod._pod_update(copy, spec) == []


_texts = st.sampled_from(["app", "kubernetes.io/os", "linux", "-bad", "a/b/c", "", "x" * 64]) | (
    st.text(alphabet="ab-./_A", max_size=8)
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.dictionaries(_texts, _texts, max_size=4), min_size=1, max_size=4))
def test_label_checks_remembered_valid_give_every_cause_the_checks_give(
    maps: list[dict[str, str]],
) -> None:
    # Valid keys and values are remembered; whatever is invalid is reported each time, at
    # its path, as the checks of the names give it (maps seen before included).
    for labels in [*maps, *maps]:
        expected = [
            (cause.field, cause.message)
            for text, check in [
                *((key, is_qualified_name) for key in labels),
                *((value, is_label_value) for value in labels.values()),
            ]
            for cause in (f.invalid("metadata.labels", text, p) for p in check(text))
        ]
        causes = c.labels("metadata.labels", FrozenDict(labels))
        assert [(cause.field, cause.message) for cause in causes] == expected
