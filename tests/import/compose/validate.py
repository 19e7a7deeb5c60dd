#!/usr/bin/env python3
"""Validates the compose fixtures beside this file against the Compose Specification schema
(compose-spec.json, copied unchanged from compose-spec/compose-spec, see SOURCE.md), which
Docker Compose validates files against: the fixtures are files Compose accepts.

usage: validate.py   (needs python3-yaml and python3-jsonschema)
"""
import glob
import json
import os
import sys

import jsonschema
import yaml

here = os.path.dirname(os.path.abspath(__file__))
schema = json.load(open(os.path.join(here, "compose-spec.json")))
bad = 0
files = sorted(glob.glob(os.path.join(here, "*", "*.y*ml")))
for f in files:
    try:
        jsonschema.validate(yaml.safe_load(open(f)), schema)
    except jsonschema.ValidationError as e:
        print(f"{os.path.relpath(f, here)}: {e.message}")
        bad += 1
print(f"compose fixtures: {len(files) - bad} of {len(files)} valid")
sys.exit(1 if bad else 0)
