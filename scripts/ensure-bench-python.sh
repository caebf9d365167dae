#!/usr/bin/env bash
# Adds the benchmark's comparison tool (dlt, with its DuckDB destination) to the repo's .venv,
# after ensure-python.sh has made it, idempotently and quietly. Additive only: the dbt pins of
# ensure-python.sh stay as they are (duckdb is pinned to the same version here too).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

PACKAGES=(
  "dlt[duckdb]==1.31.0"
  "duckdb==1.5.6"
)

log() { echo "ensure-bench-python: $*" >&2; }

"$ROOT/scripts/ensure-python.sh" >/dev/null

# shellcheck source=scripts/pip-install-once.sh
source "$ROOT/scripts/pip-install-once.sh"
install_once .pslink-bench-packages "" "${PACKAGES[@]}"

echo "$VENV/bin/python"
