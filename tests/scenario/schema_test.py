#!/usr/bin/env python3
"""Holds scenarios/schema.json and the parser to the same files: the shipped scenarios and the
edge cases of tests/scenario/good (all valid), and the bad files of tests/scenario/bad (all
invalid; parse_test.cpp checks that the parser rejects each, with its errors).
tests/scenario/bad-semantic holds errors no JSON Schema can express (time order, replica
references), which only `dtrsim scenario validate` finds. An empty set fails: it would prove
nothing."""
import glob
import json
import sys

import jsonschema

root = sys.argv[1]
schema = json.load(open(f"{root}/scenarios/schema.json"))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
failures = 0
good = [f for f in glob.glob(f"{root}/scenarios/**/*.json", recursive=True) if not f.endswith("schema.json")]
good += glob.glob(f"{root}/tests/scenario/good/*.json")
bad = glob.glob(f"{root}/tests/scenario/bad/*.json")
semantic = glob.glob(f"{root}/tests/scenario/bad-semantic/*.json")
for name, files in (("good", good), ("bad", bad), ("bad-semantic", semantic)):
    if not files:
        failures += 1
        print(f"FAIL: the {name} set is empty")
for path in sorted(good):
    errors = list(validator.iter_errors(json.load(open(path))))
    if errors:
        failures += 1
        print(f"FAIL {path}: schema rejects a valid scenario: {errors[0].message[:300]}")
for path in sorted(bad):
    if not list(validator.iter_errors(json.load(open(path)))):
        failures += 1
        print(f"FAIL {path}: schema accepts a bad scenario")
for path in sorted(semantic):
    if list(validator.iter_errors(json.load(open(path)))):
        failures += 1
        print(f"FAIL {path}: meant to be schema-valid (only the parser can reject it)")
print(f"{len(good)} valid, {len(bad)} bad and {len(semantic)} semantically bad scenarios checked, {failures} failures")
sys.exit(1 if failures else 0)
