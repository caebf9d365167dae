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

# shellcheck source=scripts/pip-install-once.sh
source "$ROOT/scripts/pip-install-once.sh"
install_once .pslink-dagster-packages "$constraints" "${PACKAGES[@]}"

printf '%s\n' "${PACKAGES[@]}"
