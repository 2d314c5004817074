#!/usr/bin/env bash
# A virtual environment with aeon, only for the .ts benchmark's reference (aeon's load_from_ts_file).
# aeon 1.6 needs numpy < 2.4 and pandas < 3.1, which the app's pinned environment does not have, so
# it gets a venv of its own; the benchmark runs aeon's side with that venv's python:
#   bash benchmarks/setup_aeon.sh [DIR]        # default DIR: .venv-aeon
#   SHAPE_EXPLORER_AEON_PYTHON=DIR/bin/python .venv/bin/python -m benchmarks.run --only ts_inspect
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-.venv-aeon}"
PYTHON="${PYTHON:-python3}"
if [ ! -x "$DIR/bin/python" ]; then
  "$PYTHON" -m venv "$DIR"
fi
"$DIR/bin/python" -m pip install -q --disable-pip-version-check 'aeon>=1.6,<1.7'
echo "setup_aeon: ready; export SHAPE_EXPLORER_AEON_PYTHON=$(cd "$DIR" && pwd)/bin/python"
