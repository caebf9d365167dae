# Sourced by the ensure-*.sh scripts (which set VENV and define log).
# install_once STAMP CONSTRAINTS PACKAGE...: pip-installs the packages into $VENV, quietly, unless
# $VENV/STAMP records this exact list (and constraints) from an earlier run. CONSTRAINTS are pip
# constraint lines (may be empty) that the install must not move.
install_once() {
  local stamp="$VENV/$1" constraints="$2"
  shift 2
  local wanted args=()
  if [ -n "$constraints" ]; then
    wanted="$(printf '%s\n' "$@" "--" "$constraints")"
  else
    wanted="$(printf '%s\n' "$@")"
  fi
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return 0
  fi
  log "installing $*"
  if [ -n "$constraints" ]; then
    constraints_file="$(mktemp)"
    trap 'rm -f "$constraints_file"' EXIT
    printf '%s\n' "$constraints" >"$constraints_file"
    args=(-c "$constraints_file")
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    "${args[@]}" "$@" >&2
  printf '%s\n' "$wanted" >"$stamp"
}
