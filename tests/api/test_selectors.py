"""Label and field selectors parse once and match as Kubernetes' do."""

from __future__ import annotations

import re

import pytest

from kube_actors.api import (
    LabelSelector,
    LabelSelectorRequirement,
    ObjectMeta,
    Pod,
    PodSpec,
    PodStatus,
    compile_selector,
    parse_field_selector,
    parse_selector,
)
from kube_actors.errors import BadRequest


def test_string_selector_with_every_operator_matches() -> None:
    selector = parse_selector("app=web,tier in (a,b),!legacy,env!=prod,zone notin (x),team")
    labels = {"app": "web", "tier": "a", "env": "dev", "team": "t"}
    assert selector.matches(labels)
    assert not selector.matches({**labels, "legacy": "yes"})
    assert not selector.matches({**labels, "tier": "c"})
    assert not selector.matches({**labels, "env": "prod"})
    assert not selector.matches({k: v for k, v in labels.items() if k != "team"})


def test_double_equals_is_equality() -> None:
    assert parse_selector("app==web").matches({"app": "web"})


def test_not_equals_matches_a_missing_label() -> None:
    assert parse_selector("env!=prod").matches({})


def test_selector_prints_sorted_by_key() -> None:
    assert str(parse_selector("b=1,a in (y,x)")) == "a in (x,y),b=1"


def test_empty_string_selects_everything() -> None:
    assert parse_selector("").matches({"any": "thing"})


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("app in (a", "expected ')'"),
        ("app in a", "expected '('"),
        ("=web", "expected a label key"),
        ("app=web,", "expected a requirement after ','"),
        ("a b", "expected an operator"),
        ("app=a b", "expected ','"),
        ("Bad Key=1", "expected an operator"),
        ("x=-bad-", "invalid label value"),
        ("x>y", "must be an integer"),
    ],
)
def test_parse_errors_say_what_was_wrong(text: str, problem: str) -> None:
    with pytest.raises(BadRequest, match=re.escape(problem)):
        parse_selector(text)


def test_label_selector_objects_compile_to_matchers() -> None:
    selector = LabelSelector(
        match_labels={"app": "web"},
        match_expressions=[
            LabelSelectorRequirement(key="tier", operator="In", values=["a", "b"]),
            LabelSelectorRequirement(key="legacy", operator="DoesNotExist"),
        ],
    )
    matcher = compile_selector(selector)
    assert matcher.matches({"app": "web", "tier": "b"})
    assert not matcher.matches({"app": "web", "tier": "b", "legacy": "1"})


def test_nil_selector_matches_nothing_and_empty_matches_everything() -> None:
    assert not compile_selector(None).matches({"app": "web"})
    assert compile_selector(LabelSelector()).matches({"app": "web"})
    assert compile_selector({}).matches({})


def test_a_service_style_map_is_an_equality_selector() -> None:
    assert compile_selector({"app": "web"}).matches({"app": "web", "x": "y"})
    assert not compile_selector({"app": "web"}).matches({"app": "db"})


def _pod(name: str, node: str, phase: str) -> Pod:
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default"),
        spec=PodSpec(node_name=node),
        status=PodStatus(phase=phase),
    )


def test_field_selector_matches_pods_by_node_and_phase() -> None:
    selector = parse_field_selector("spec.nodeName=node-1,status.phase!=Failed")
    assert selector.matches(_pod("a", "node-1", "Running"))
    assert not selector.matches(_pod("b", "node-1", "Failed"))
    assert not selector.matches(_pod("c", "node-2", "Running"))


def test_field_selector_for_unscheduled_pods() -> None:
    assert parse_field_selector("spec.nodeName=").matches(_pod("a", "", "Pending"))
    assert parse_field_selector("metadata.namespace==default").matches(_pod("a", "", ""))


def test_field_selector_values_may_escape_commas() -> None:
    assert parse_field_selector(r"metadata.name=a\,b").matches(_pod("a,b", "", ""))


@pytest.mark.parametrize(
    ("text", "problem"),
    [("spec.replicas=3", "field label not supported"), ("metadata.name", "expected '='")],
)
def test_field_selector_errors_name_the_term(text: str, problem: str) -> None:
    with pytest.raises(BadRequest, match=problem):
        parse_field_selector(text)


def test_a_field_selector_is_parsed_once_and_a_bad_one_refused_every_time() -> None:
    """Selectors are remembered (a kubelet's ``spec.nodeName=<node>`` comes in its list,
    its watch and the watch's routing): the same text gives the very same selector, with
    and without escapes; an error is not remembered as an answer."""
    plain = parse_field_selector("spec.nodeName=node-7,status.phase!=Failed")
    assert parse_field_selector("spec.nodeName=node-7,status.phase!=Failed") is plain
    assert [(t.field, t.value, t.negated) for t in plain.terms] == [
        ("spec.nodeName", "node-7", False),
        ("status.phase", "Failed", True),
    ]
    escaped = parse_field_selector(r"metadata.name==a\=b\,c")
    assert [(t.field, t.value) for t in escaped.terms] == [("metadata.name", "a=b,c")]
    for _ in range(2):
        with pytest.raises(BadRequest, match="field label not supported"):
            parse_field_selector("spec.replicas=3")
