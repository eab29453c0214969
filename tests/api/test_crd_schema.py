"""The structural schema of a custom resource: validation, pruning, defaulting (issue #17)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kube_actors.api._crd_schema import apply_defaults, prune, schema_causes

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "required": ["image"],
            "properties": {
                "image": {"type": "string", "minLength": 1, "pattern": "^[a-z]"},
                "replicas": {"type": "integer", "minimum": 0, "maximum": 10, "default": 1},
                "mode": {"type": "string", "enum": ["fast", "slow"]},
                "port": {"x-kubernetes-int-or-string": True},
                "note": {"type": "string", "nullable": True, "maxLength": 3},
                "tags": {
                    "type": "array",
                    "maxItems": 2,
                    "items": {"type": "string"},
                    "x-kubernetes-list-type": "set",
                },
                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            },
        }
    },
}


def fields(causes: list[Any]) -> list[tuple[str, str]]:
    return [(c.field, c.type) for c in causes]


def test_a_valid_object_has_no_causes() -> None:
    obj = {"spec": {"image": "nginx", "replicas": 3, "mode": "fast", "port": "http"}}
    assert schema_causes(obj, SCHEMA) == []


def test_types_required_enum_and_bounds_are_reported_with_field_paths() -> None:
    obj = {"spec": {"replicas": "three", "mode": "medium", "port": 1.5, "note": "long"}}
    causes = schema_causes(obj, SCHEMA)
    assert fields(causes) == [
        ("spec.image", "FieldValueRequired"),
        ("spec.replicas", "FieldValueTypeInvalid"),
        ("spec.mode", "FieldValueNotSupported"),
        ("spec.port", "FieldValueTypeInvalid"),
        ("spec.note", "FieldValueTooLong"),
    ]
    assert 'spec.replicas in body must be of type integer: "string"' in causes[1].message
    assert causes[2].message == 'Unsupported value: "medium": supported values: "fast", "slow"'


def test_numbers_strings_and_lists_are_checked_against_their_limits() -> None:
    obj = {"spec": {"image": "Nginx", "replicas": 11, "tags": ["a", "a", "b"]}}
    assert fields(schema_causes(obj, SCHEMA)) == [
        ("spec.image", "FieldValueInvalid"),
        ("spec.replicas", "FieldValueInvalid"),
        ("spec.tags", "FieldValueTooMany"),
        ("spec.tags[1]", "FieldValueDuplicate"),
    ]


def test_nullable_allows_null_and_others_refuse_it() -> None:
    assert schema_causes({"spec": {"image": "x", "note": None}}, SCHEMA) == []
    assert fields(schema_causes({"spec": {"image": "x", "mode": None}}, SCHEMA)) == [
        ("spec.mode", "FieldValueTypeInvalid")
    ]


def test_prune_drops_unknown_fields_but_keeps_preserved_ones() -> None:
    obj = {"spec": {"image": "x", "bogus": 1, "extra": {"anything": 2}}, "other": True}
    pruned, dropped = prune(obj, SCHEMA)
    assert pruned == {"spec": {"image": "x", "extra": {"anything": 2}}}
    assert dropped == ["spec.bogus", "other"]
    assert obj["other"] is True  # the input is left alone


def test_defaults_fill_absent_fields_only() -> None:
    assert apply_defaults({"spec": {"image": "x"}}, SCHEMA) == {
        "spec": {"image": "x", "replicas": 1}
    }
    assert apply_defaults({"spec": {"image": "x", "replicas": 4}}, SCHEMA)["spec"]["replicas"] == 4
    assert apply_defaults({}, SCHEMA) == {}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(st.dictionaries(st.sampled_from(["image", "replicas", "bogus", "mode"]), json_values))
def test_pruning_and_defaulting_are_idempotent(spec: dict[str, Any]) -> None:
    once, _ = prune(apply_defaults({"spec": spec}, SCHEMA), SCHEMA)
    twice, dropped = prune(apply_defaults(once, SCHEMA), SCHEMA)
    assert twice == once
    assert dropped == []
    assert "bogus" not in once["spec"]
