"""The bundled OpenAPI documents as the app loads them at start-up.

`python -m codegen` writes each document twice, `generated/openapi/<surface>.yaml` (the contract,
served at openapi.yaml) and its JSON twin `<surface>.json`, and validates it there with connexion's
own validator. Start-up reads the JSON (milliseconds, where the pure-Python YAML parser takes
seconds) and hands connexion a specification it does not validate again: the validation is
deterministic, and `python -m codegen --check` fails whenever generated/ is not what the specs give.
Everything connexion derives from the document at start-up (resolved $refs, routes, per-operation
parameter and body schemas) is built exactly as before.
"""
import json
import os
from pathlib import Path

from connexion import AsyncApp
from connexion.middleware.main import API
from connexion.spec import OpenAPISpecification

OPENAPI_DIR = Path(__file__).resolve().parent.parent / "generated" / "openapi"


def load_document(surface: str) -> dict:
    """A fresh copy of the bundled document (string keys, as JSON and connexion have them)."""
    return json.loads((OPENAPI_DIR / f"{surface}.json").read_text(encoding="utf-8"))


class GeneratedSpecification(OpenAPISpecification):
    """An OpenAPI 3 specification that codegen has already validated against the OpenAPI schema."""

    @classmethod
    def _validate_spec(cls, spec):
        pass


def add_generated_api(app: AsyncApp, document: dict, **options):
    """`app.add_api("<surface>.yaml", **options)` for a document from `load_document`, without connexion
    parsing the YAML and validating it again: what connexion 3.3's `ConnexionMiddleware.add_api` does
    after `Specification.load` (connexion works on deep copies of the document)."""
    middleware = app.middleware
    if middleware.middleware_stack is not None:
        raise RuntimeError("Cannot add api after an application has started")
    specification = GeneratedSpecification(document, base_uri=f"{OPENAPI_DIR}{os.sep}")
    api_options = middleware.options.replace(**options)
    middleware.apis.append(API(specification, base_path=None, name=None, **api_options.__dict__))
