"""Corrections to the generated OpenAPI document where drf-spectacular cannot say what the
API does (schemathesis in tests/reliability/ holds the two to each other)."""

from __future__ import annotations

from typing import Any

# The list's filters treat an empty value as "no filter" (django-filter's convention, and
# what a form with an empty field sends).
LIST_PATH = "/api/v1/assets/"
FILTERED_PATHS = (LIST_PATH, "/api/v1/assets/facets/", "/api/v1/assets/timeline/")


def describe_what_drf_spectacular_cannot(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """SPECTACULAR_SETTINGS' postprocessing hook."""
    schemas = result.get("components", {}).get("schemas", {})
    # PATCH takes the title and the tags only: any other field is refused with 400.
    if "PatchedChangeAssetRequest" in schemas:
        schemas["PatchedChangeAssetRequest"]["additionalProperties"] = False
    # An empty file_path is refused (400, by the path checks, whose message says why).
    if "RegisterAssetRequest" in schemas:
        schemas["RegisterAssetRequest"]["properties"]["file_path"]["minLength"] = 1
    # The list, its facets and its timeline take the same filters: empty is no filter.
    filtered = [result.get("paths", {}).get(p, {}).get("get", {}) for p in FILTERED_PATHS]
    for parameter in [p for operation in filtered for p in operation.get("parameters", [])]:
        if parameter.get("in") == "query" and parameter["name"] not in {"page", "page_size"}:
            parameter["allowEmptyValue"] = True
        if not parameter.get("description") and parameter["name"] in _filter_labels():
            # drf-spectacular drops the label of a filter that states its own schema.
            parameter["description"] = _filter_labels()[parameter["name"]]
        free_text = parameter.get("schema", {})
        if free_text.get("type") == "string" and not {"format", "enum"} & set(free_text):
            # Django refuses NUL in any form or query value (400).
            free_text["pattern"] = "^[^\\u0000]*$"
    _document_access_errors(result)
    return result


def _filter_labels() -> dict[str, str]:
    from assets.api.filters import AssetFilter  # the schema is made after the app is ready

    return {name: str(f.label) for name, f in AssetFilter.base_filters.items() if f.label}


PUBLIC_PATHS = {"/api/v1/health/status/"}
ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}


def _document_access_errors(result: dict[str, Any]) -> None:
    """Every operation but the public ones can answer 401 (no or bad credentials) and 403 (a
    role or token scope too low), with the error body (CONTRACT.md section 7)."""
    if "ErrorResponse" not in result.get("components", {}).get("schemas", {}):
        return
    for path, operations in result.get("paths", {}).items():
        if path.rstrip("/") + "/" in PUBLIC_PATHS:
            continue
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            answers = [("401", "No or wrong credentials"), ("403", "Not allowed")]
            if "requestBody" in operation or operation.get("parameters"):
                answers.append(("400", "Malformed input"))
            if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                answers.append(("404", "Not found"))
            for code, text in answers:
                operation["responses"].setdefault(
                    code,
                    {"description": text, "content": {"application/json": {"schema": ERROR_REF}}},
                )
            if path.startswith("/api/v1/auth/login"):
                operation["responses"].setdefault(
                    "429",
                    {
                        "description": "Too many sign-in attempts",
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
