"""The API's docs page (`/api/docs/`): the OpenAPI description drf-spectacular makes, read as
a page of the site: every resource, operation, filter, field and answer in Swedish, without
JavaScript, in the site's layout (Swagger UI fails the accessibility rules every page keeps)."""

import json
from dataclasses import dataclass, field
from functools import lru_cache

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator

METHOD_ORDER = ["get", "post", "put", "patch", "delete"]


@dataclass
class Row:
    """A parameter, body field or answer: its name, where it goes, its type and what it means."""

    name: str
    where: str
    kind: str
    required: bool
    text: str


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    text: str
    parameters: list[Row] = field(default_factory=list)
    body: list[Row] = field(default_factory=list)
    answers: list[Row] = field(default_factory=list)
    examples: list[tuple[str, str]] = field(default_factory=list)  # (summary, JSON)


@dataclass
class Resource:
    name: str
    operations: list[Operation]


@lru_cache(maxsize=4)
def described(language: str) -> tuple[dict, list[Resource]]:
    """Return the schema's title and description, and its resources, in the language (made once
    per process and language: generating the schema takes a second)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    resources: dict[str, list[Operation]] = {}
    for path, methods in schema["paths"].items():
        for method in sorted(
            methods, key=lambda m: METHOD_ORDER.index(m) if m in METHOD_ORDER else 9
        ):
            if method not in METHOD_ORDER:
                continue
            spec = methods[method]
            tag = (spec.get("tags") or [path.split("/")[3]])[0]
            resources.setdefault(tag, []).append(_operation(method, path, spec, components))
    return schema["info"], [Resource(name, ops) for name, ops in sorted(resources.items())]


def _operation(method: str, path: str, spec: dict, components: dict) -> Operation:
    operation = Operation(
        method=method.upper(),
        path=path,
        anchor=spec.get("operationId", f"{method}-{path}"),
        summary=spec.get("summary", ""),
        text=spec.get("description", ""),
    )
    for parameter in spec.get("parameters", []):
        operation.parameters.append(
            Row(
                name=parameter["name"],
                where=parameter["in"],
                kind=_kind(parameter.get("schema", {}), components),
                required=parameter.get("required", False),
                text=parameter.get("description", "")
                or parameter.get("schema", {}).get("title", ""),
            )
        )
    body = spec.get("requestBody", {}).get("content", {}).get("application/json", {})
    for example in body.get("examples", {}).values():
        shown = json.dumps(example.get("value"), ensure_ascii=False, indent=2)
        operation.examples.append((example.get("summary", ""), shown))
    if body:
        schema = _resolve(body.get("schema", {}), components)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            prop = _resolve(prop, components)
            text = " ".join(t for t in (prop.get("title", ""), prop.get("description", "")) if t)
            operation.body.append(Row(name, "", _kind(prop, components), name in required, text))
    for code, answer in sorted(spec.get("responses", {}).items()):
        operation.answers.append(Row(code, "", "", False, answer.get("description", "")))
    return operation


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0], components)
    return schema


def _kind(schema: dict, components: dict) -> str:
    schema = _resolve(schema, components)
    if "enum" in schema:
        return " | ".join(str(value) or "”” " for value in schema["enum"] if value is not None)
    kind = schema.get("type", "")
    if kind == "array":
        return f"[{_kind(schema.get('items', {}), components)}]"
    return f"{kind} ({schema['format']})" if schema.get("format") else kind


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    """The API's description as a page: for everyone, as the schema is."""
    info, resources = described(get_language() or "sv")
    return render(request, "api/docs.html", {"info": info, "resources": resources})
