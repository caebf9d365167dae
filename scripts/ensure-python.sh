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

stamp="$VENV/.pslink-packages"
wanted="$(printf '%s\n' "${PACKAGES[@]}")"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  log "installing ${PACKAGES[*]}"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "${PACKAGES[@]}" >&2
  printf '%s\n' "$wanted" >"$stamp"
fi

printf '%s\n' "${PACKAGES[@]}"
