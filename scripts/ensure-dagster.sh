#!/usr/bin/env bash
# Adds pinned Dagster (dagster, dagster-pipes, dagster-dbt) to the repo's .venv, idempotently and
# quietly, for the Pipes tests and the Dagster code location. The venv and its dbt pins belong to
# scripts/ensure-python.sh; its pins are passed to pip as constraints so Dagster never moves them.
# Pins: dagster-dbt 0.29.27 requires dagster==1.13.27 (and accepts dbt-core >=1.7,<1.13).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PSLINK_PYTHON:-python3}"

PACKAGES=(
  "dagster==1.13.27"
  "dagster-pipes==1.13.27"
  "dagster-dbt==0.29.27"
)

log() { echo "ensure-dagster: $*" >&2; }

constraints=""
if [ -f "$ROOT/scripts/ensure-python.sh" ]; then
  constraints="$(bash "$ROOT/scripts/ensure-python.sh")"
elif [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi

stamp="$VENV/.pslink-dagster-packages"
wanted="$(printf '%s\n' "${PACKAGES[@]}" "--" "$constraints")"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  log "installing ${PACKAGES[*]}"
  constraints_file="$(mktemp)"
  trap 'rm -f "$constraints_file"' EXIT
  printf '%s\n' "$constraints" >"$constraints_file"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    -c "$constraints_file" "${PACKAGES[@]}" >&2
  printf '%s\n' "$wanted" >"$stamp"
fi

printf '%s\n' "${PACKAGES[@]}"
