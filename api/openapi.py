"""The OpenAPI 3 document, assembled from what each feature's api.py declares next to its routes."""
from __future__ import annotations

import copy

_paths: dict[str, dict] = {}
_schemas: dict[str, dict] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "details": {}},
    },
}


def add_path(path: str, method: str, operation: dict) -> None:
    """Declare one operation, e.g. add_path("/api/v1/articles", "get", {...}). Error responses are added."""
    op = copy.deepcopy(operation)
    responses = op.setdefault("responses", {})
    for status, text in (("400", "Bad request"), ("404", "Not found"), ("429", "Too many requests"),
                         ("500", "Server error")):
        responses.setdefault(status, error_response(text))
    if method.lower() in {"post", "put", "patch", "delete"}:
        op.setdefault("security", [{"bearer": []}])
        for status, text in (("401", "Authentication required"), ("403", "Forbidden"),
                             ("422", "Invalid input")):
            responses.setdefault(status, error_response(text))
    _paths.setdefault(path, {})[method.lower()] = op


def add_schema(name: str, schema: dict) -> None:
    _schemas[name] = schema


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Hilfe-Center API", "version": "1.0.0",
                 "description": "Articles, videos, search and community of the help center."},
        "paths": dict(sorted(_paths.items())),
        "components": {
            "schemas": _schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
