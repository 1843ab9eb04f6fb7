# Sourced by scripts/serve, scripts/test and scripts/paperfeed: choose the Python environment and
# install paperfeed from this checkout into it when something is missing.
#
#   use_environment EXTRA...   # sets PYTHON (and PATH) to the environment, installing if needed
#
# The interpreter given in PYTHON (default python3) is used as it is when it is a virtual
# environment, or one pip may install into (pyenv, conda, a self-built Python). Otherwise, for a
# system python3 that is externally managed (PEP 668, as on Debian and Ubuntu) or has no working
# pip, paperfeed lives in the project's own virtual environment, ./.venv, made on first use.
# Step messages go to standard error, so a command's own output stays clean.

VENV_DIR="${PAPERFEED_VENV:-.venv}"

step() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Exit 0 when pip may install into this interpreter: a virtual environment, or an interpreter that is
# not externally managed and has pip.
_installable() {
    "$1" - <<'PY' 2>/dev/null
import os, sys, sysconfig
if sys.prefix != sys.base_prefix:
    sys.exit(0)
if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")):
    sys.exit(1)
import pip  # noqa: F401  (an interpreter without pip cannot install anything)
PY
}

_choose_python() {
    local given="${PYTHON:-python3}"
    command -v "$given" >/dev/null || fail "no Python interpreter '$given': install python3 (3.11 or newer) or set PYTHON=/path/to/python3"
    "$given" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
        || fail "paperfeed needs Python 3.11 or newer; '$given' is $("$given" --version 2>&1). Set PYTHON=/path/to/python3.11"
    # Once made, ./.venv is the environment unless another is active or PYTHON names one.
    local prefer_venv=""
    [[ -x "$VENV_DIR/bin/python" && -z "${VIRTUAL_ENV:-}" && -z "${PYTHON:-}" ]] && prefer_venv=1
    if [[ -n "$prefer_venv" ]] || ! _installable "$given"; then
        if [[ ! -x "$VENV_DIR/bin/python" ]]; then
            step "Creating a virtual environment for paperfeed in $VENV_DIR ($given cannot install packages itself)"
            "$given" -m venv "$VENV_DIR" >&2 || {
                rm -rf "$VENV_DIR"
                fail "could not create $VENV_DIR: on Debian or Ubuntu run 'sudo apt-get install python3-venv', then try again"
            }
        fi
        PYTHON="$(cd "$VENV_DIR" && pwd)/bin/python"
        export PATH="$(dirname "$PYTHON"):$PATH"
    else
        PYTHON="$given"
    fi
    export PYTHON
}

use_environment() {
    _choose_python
    local extras="$*" missing torch
    if missing="$("$PYTHON" scripts/check_install.py "$@")"; then
        return 0
    fi
    torch="$("$PYTHON" scripts/check_install.py --torch "$@")" || exit 1
    if [[ -n "$torch" ]] && ! "$PYTHON" -c "import sys; from importlib.metadata import version
sys.exit(version('torch').split('+')[0] != '${torch#torch==}')" 2>/dev/null; then
        step "Installing PyTorch first, exactly $torch (any other version would pull CUDA packages)"
        "$PYTHON" -m pip install -qq "$torch" || fail "could not install $torch"
    fi
    local target="."
    [[ -n "$extras" ]] && target=".[${extras// /,}]"
    step "Installing paperfeed from this checkout ($missing): pip install -e $target; the first time takes a few minutes"
    "$PYTHON" -m pip install -qq -e "$target" || fail "pip could not install paperfeed (see its message above)"
}
