"""Corrections to the generated OpenAPI document where drf-spectacular cannot say what the
API does (schemathesis in tests/reliability/ holds the two to each other)."""

from __future__ import annotations

from typing import Any

# The list's filters treat an empty value as "no filter" (django-filter's convention, and
# what a form with an empty field sends).
LIST_PATH = "/api/v1/assets/"


def describe_what_drf_spectacular_cannot(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """SPECTACULAR_SETTINGS' postprocessing hook."""
    schemas = result.get("components", {}).get("schemas", {})
    # PATCH takes the title only: any other field is refused with 400.
    if "PatchedRenameAssetRequest" in schemas:
        schemas["PatchedRenameAssetRequest"]["additionalProperties"] = False
    # An empty file_path is refused (400, by the path checks, whose message says why).
    if "RegisterAssetRequest" in schemas:
        schemas["RegisterAssetRequest"]["properties"]["file_path"]["minLength"] = 1
    listing = result.get("paths", {}).get(LIST_PATH, {}).get("get", {})
    for parameter in listing.get("parameters", []):
        if parameter.get("in") == "query" and parameter["name"] not in {"page", "page_size"}:
            parameter["allowEmptyValue"] = True
        free_text = parameter.get("schema", {})
        if free_text.get("type") == "string" and not {"format", "enum"} & set(free_text):
            # Django refuses NUL in any form or query value (400).
            free_text["pattern"] = "^[^\\u0000]*$"
    return result
