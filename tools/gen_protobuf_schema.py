"""Write ``kube_actors/api/_protobuf_schema.py`` from Kubernetes' own API definitions.

Run at development time, when the served kinds change::

    python tools/gen_protobuf_schema.py <k8s.io/api checkout> <k8s.io/apimachinery checkout>

It reads the ``generated.proto`` files (message and field numbers: the wire format) and the
``types.go`` files beside them (each field's JSON name, whether it is a Go pointer and whether
its JSON tag says ``omitempty``: how Go would write the same object as JSON), follows the
messages reachable from the kinds in ``ROOTS`` and writes one table row per message. The
output is data, reviewed like code; the decoder (``_protobuf.py``) builds descriptors from it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

#: The served kinds that are stored objects: each is a root, and so is its ``<Kind>List``
#: (what a list answers in protobuf).
LISTED = [
    "k8s.io.api.core.v1.Pod",
    "k8s.io.api.core.v1.Service",
    "k8s.io.api.core.v1.Endpoints",
    "k8s.io.api.core.v1.Namespace",
    "k8s.io.api.core.v1.Node",
    "k8s.io.api.core.v1.ServiceAccount",
    "k8s.io.api.core.v1.Event",
    "k8s.io.api.core.v1.ConfigMap",
    "k8s.io.api.core.v1.Secret",
    "k8s.io.api.core.v1.ResourceQuota",
    "k8s.io.api.core.v1.LimitRange",
    "k8s.io.api.core.v1.PersistentVolume",
    "k8s.io.api.core.v1.PersistentVolumeClaim",
    "k8s.io.api.apps.v1.Deployment",
    "k8s.io.api.apps.v1.ReplicaSet",
    "k8s.io.api.apps.v1.DaemonSet",
    "k8s.io.api.apps.v1.StatefulSet",
    "k8s.io.api.apps.v1.ControllerRevision",
    "k8s.io.api.batch.v1.Job",
    "k8s.io.api.batch.v1.CronJob",
    "k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler",
    "k8s.io.api.coordination.v1.Lease",
    "k8s.io.api.discovery.v1.EndpointSlice",
    "k8s.io.api.scheduling.v1.PriorityClass",
    "k8s.io.api.policy.v1.PodDisruptionBudget",
    "k8s.io.api.networking.v1.Ingress",
    "k8s.io.api.networking.v1.IngressClass",
    "k8s.io.api.storage.v1.StorageClass",
    "k8s.io.api.rbac.v1.Role",
    "k8s.io.api.rbac.v1.ClusterRole",
    "k8s.io.api.rbac.v1.RoleBinding",
    "k8s.io.api.rbac.v1.ClusterRoleBinding",
    "k8s.io.api.certificates.v1.CertificateSigningRequest",
]

ROOTS = [
    *LISTED,
    *(f"{name}List" for name in LISTED),
    "k8s.io.api.core.v1.Binding",
    # Not served: the ClusterIP allocator's record at /registry/ranges/serviceips.
    "k8s.io.api.core.v1.RangeAllocation",
    "k8s.io.api.policy.v1.Eviction",
    "k8s.io.api.authentication.v1.TokenRequest",
    "k8s.io.api.authentication.v1.SelfSubjectReview",
    "k8s.io.api.authentication.v1.TokenReview",
    "k8s.io.api.authorization.v1.SelfSubjectAccessReview",
    "k8s.io.api.authorization.v1.SubjectAccessReview",
    "k8s.io.api.authorization.v1.LocalSubjectAccessReview",
    "k8s.io.api.authorization.v1.SelfSubjectRulesReview",
    "k8s.io.api.autoscaling.v1.Scale",
    "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "k8s.io.apimachinery.pkg.apis.meta.v1.Status",
    "k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent",
    "k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadata",
    "k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadataList",
    "k8s.io.apimachinery.pkg.runtime.Unknown",
]

# Messages the decoder converts itself (times, quantities, int-or-string, raw JSON):
# their fields are listed, but nothing behind them is followed.
OPAQUE = {
    "k8s.io.apimachinery.pkg.apis.meta.v1.Time",
    "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime",
    "k8s.io.apimachinery.pkg.apis.meta.v1.Duration",
    "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1",
    "k8s.io.apimachinery.pkg.api.resource.Quantity",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString",
    "k8s.io.apimachinery.pkg.runtime.RawExtension",
}

_PACKAGE = re.compile(r"^package ([\w.]+);", re.M)
_MESSAGE = re.compile(r"^message (\w+) \{\n(.*?)^\}", re.M | re.S)
_FIELD = re.compile(
    r"^\s*(?:(optional|repeated)\s+([.\w]+)|map<string,\s*([.\w]+)>)\s+(\w+)\s*=\s*(\d+);", re.M
)
_STRUCT = re.compile(r"^type (\w+) struct \{\n(.*?)^\}", re.M | re.S)
_GO_FIELD = re.compile(
    r"^\s+(?:\w+\s+)?(\*?)[^\s`]+\s+`json:\"([^\"]*)\"[^`]*protobuf:\"[^\"]*?,(\d+),", re.M
)
SCALARS = {"string", "int32", "int64", "bool", "bytes", "double", "float", "uint64"}


def parse_protos(roots: list[Path]) -> dict[str, list[tuple[int, str, str, str]]]:
    """Every message: (number, proto name, label o/r/m, type) per field."""
    messages: dict[str, list[tuple[int, str, str, str]]] = {}
    for root in roots:
        for path in sorted(root.rglob("generated.proto")):
            text = path.read_text()
            package = _PACKAGE.search(text)
            if package is None:
                continue
            for name, body in _MESSAGE.findall(text):
                fields = []
                for label, type_, map_value, field, number in _FIELD.findall(body):
                    kind = "m" if map_value else ("r" if label == "repeated" else "o")
                    type_name = map_value or type_
                    if type_name not in SCALARS:
                        type_name = type_name.lstrip(".")
                        if "." not in type_name:
                            type_name = f"{package.group(1)}.{type_name}"
                    fields.append((int(number), field, kind, type_name))
                messages[f"{package.group(1)}.{name}"] = fields
    return messages


def parse_go(roots: list[Path]) -> dict[str, dict[int, tuple[str, bool]]]:
    """Per Go struct name and package: field number → (JSON name, keep its zero value)."""
    found: dict[str, dict[int, tuple[str, bool]]] = {}
    for root in roots:
        for path in sorted(root.rglob("*.go")):
            if path.name.endswith("_test.go") or "generated" in path.name:
                continue
            proto = path.parent / "generated.proto"
            if not proto.exists():
                continue
            package = _PACKAGE.search(proto.read_text())
            if package is None:
                continue
            for name, body in _STRUCT.findall(path.read_text()):
                fields = {}
                for pointer, tag, number in _GO_FIELD.findall(body):
                    json_name, _, options = tag.partition(",")
                    keep = bool(pointer) or "omitempty" not in options.split(",")
                    fields[int(number)] = (json_name, keep)
                if fields:
                    found[f"{package.group(1)}.{name}"] = fields
    return found


def reachable(messages: dict[str, list[tuple[int, str, str, str]]]) -> list[str]:
    seen: set[str] = set()
    todo = list(ROOTS)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in messages:
            raise SystemExit(f"no message {name} in the given checkouts")
        seen.add(name)
        if name in OPAQUE:
            continue
        todo.extend(t for _, _, _, t in messages[name] if t not in SCALARS)
    return sorted(seen)


def render(
    names: list[str],
    messages: dict[str, list[tuple[int, str, str, str]]],
    go: dict[str, dict[int, tuple[str, bool]]],
) -> str:
    lines = [
        '"""Kubernetes\' protobuf messages for the served kinds: field numbers, names, types.',
        "",
        "Generated by tools/gen_protobuf_schema.py from Kubernetes' generated.proto and types.go",
        "files; do not edit by hand. Each field: (number, JSON name, label, type, keep_zero);",
        "an empty JSON name marks an embedded struct, whose fields join its parent's.",
        "The label is o (optional), r (repeated) or m (map from string); keep_zero says Go's",
        "JSON writes the field even when it holds its zero value (a pointer, or no omitempty).",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "Field = tuple[int, str, str, str, bool]",
        "",
        "MESSAGES: dict[str, tuple[Field, ...]] = {",
    ]
    for name in names:
        lines.append(f"    {name!r}: (")
        tags = go.get(name, {})
        for number, field, label, type_ in messages[name]:
            # An embedded Go struct (json ",inline") has no name: its fields join the parent's.
            json_name, keep = tags.get(number, (field, False))
            lines.append(f"        ({number}, {json_name!r}, {label!r}, {type_!r}, {keep}),")
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    roots = [Path(arg) for arg in sys.argv[1:]]
    messages = parse_protos(roots)
    go = parse_go(roots)
    names = reachable(messages)
    target = Path(__file__).resolve().parent.parent / "kube_actors/api/_protobuf_schema.py"
    target.write_text(render(names, messages, go))
    # The table is committed as ruff formats it, so that a regeneration diffs cleanly.
    subprocess.run(["ruff", "format", "--quiet", str(target)], check=False)
    print(f"{len(names)} messages written to {target}")


if __name__ == "__main__":
    main()
