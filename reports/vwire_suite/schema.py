"""Validation against reports/schema/*.schema.json."""
import functools
import json
import threading

import jsonschema

from . import REPORTS_DIR

SCHEMA_DIR = REPORTS_DIR / "schema"
# The $ref resolver keeps a scope stack: one validation at a time.
_LOCK = threading.Lock()


@functools.lru_cache(maxsize=None)
def _load(name):
    with open(SCHEMA_DIR / name) as f:
        return json.load(f)


@functools.lru_cache(maxsize=None)
def _validator(name):
    script = _load("script-result.schema.json")
    store = {script["$id"]: script}
    top = _load(name)
    resolver = jsonschema.RefResolver(base_uri=top["$id"], referrer=top, store=store)
    cls = jsonschema.validators.validator_for(top)
    return cls(top, resolver=resolver)


def _first_error(name, document):
    with _LOCK:
        errors = sorted(_validator(name).iter_errors(document), key=lambda e: list(e.path))
    if not errors:
        return None
    error = errors[0]
    where = "/".join(str(p) for p in error.absolute_path) or "(top)"
    return f"{where}: {error.message}"


def script_result_error(document):
    """None when one script's result is valid, else the first problem."""
    return _first_error("script-result.schema.json", document)


def results_error(document):
    """None when a whole run's results.json is valid, else the first problem."""
    return _first_error("results.schema.json", document)
