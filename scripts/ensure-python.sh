#!/usr/bin/env bash
# Creates the repo's Python virtualenv (.venv) when missing and installs the pinned Python tools
# pslink works beside (real dbt to prove the embedded runner against), idempotently and quietly.
# Pins: duckdb matches the DuckDB inside @duckdb/node-api, so both read the same database files.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PSLINK_PYTHON:-python3}"

PACKAGES=(
  "dbt-core==1.11.16"
  "dbt-duckdb==1.11.1"
  "dbt-postgres==1.11.0"
  "duckdb==1.5.6"
)

log() { echo "ensure-python: $*" >&2; }

if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi

# shellcheck source=scripts/pip-install-once.sh
source "$ROOT/scripts/pip-install-once.sh"
install_once .pslink-packages "" "${PACKAGES[@]}"

printf '%s\n' "${PACKAGES[@]}"
