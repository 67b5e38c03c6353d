#!/usr/bin/env python3
"""Holds scenarios/schema.json against the shipped scenarios (all valid) and the bad files of
tests/scenario/bad (all invalid); tests/scenario/bad-semantic holds errors no JSON Schema can
express (time order, replica references), which only `dtrsim scenario validate` finds."""
import glob
import json
import sys

import jsonschema

root = sys.argv[1]
schema = json.load(open(f"{root}/scenarios/schema.json"))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
failures = 0
shipped = [f for f in glob.glob(f"{root}/scenarios/**/*.json", recursive=True) if not f.endswith("schema.json")]
for path in sorted(shipped):
    errors = list(validator.iter_errors(json.load(open(path))))
    if errors:
        failures += 1
        print(f"FAIL {path}: schema rejects a shipped scenario: {errors[0].message[:300]}")
for path in sorted(glob.glob(f"{root}/tests/scenario/bad/*.json")):
    if not list(validator.iter_errors(json.load(open(path)))):
        failures += 1
        print(f"FAIL {path}: schema accepts a bad scenario")
for path in sorted(glob.glob(f"{root}/tests/scenario/bad-semantic/*.json")):
    if list(validator.iter_errors(json.load(open(path)))):
        failures += 1
        print(f"FAIL {path}: meant to be schema-valid (only the parser can reject it)")
print(f"{len(shipped)} shipped scenarios checked, {failures} failures")
sys.exit(1 if failures else 0)
