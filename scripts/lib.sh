# shellcheck shell=bash
# Shared helpers for scripts/test and scripts/demo. Source it; don't run it.
#
# After sourcing, the caller is in the repository root. Functions:
#   section TITLE             print a short header
#   die MESSAGE               print an error and exit 1
#   apt_install PKG...        apt-get install as root (apt-get update once per run), or die
#   ensure_venv               make `python3 -m venv` work, create .venv if absent (or broken)
#   install_project [SPEC]    pip install -q -e SPEC into .venv (default: .)

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    echo "scripts/lib.sh is meant to be sourced, not run" >&2
    exit 2
fi

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

VENV="$REPO_ROOT/.venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1

section() {
    printf '\n==> %s\n' "$*"
}

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

is_root() {
    [[ "$(id -u)" == 0 ]]
}

_APT_UPDATED=0
apt_install() {
    if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
        die "need the Debian package(s) $* but cannot install them (not root, or no apt-get); install them and retry"
    fi
    export DEBIAN_FRONTEND=noninteractive
    if [[ "$_APT_UPDATED" == 0 ]]; then
        apt-get update -q </dev/null
        _APT_UPDATED=1
    fi
    apt-get install -y -q --no-install-recommends "$@" </dev/null
}

_venv_usable() {
    python3 -m venv --help >/dev/null 2>&1 && python3 -m ensurepip --version >/dev/null 2>&1
}

ensure_venv() {
    command -v python3 >/dev/null 2>&1 || die "python3 not found on PATH"
    # A .venv whose creation was interrupted has a python but no pip: rebuild it.
    if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
        return 0
    fi
    section "venv: creating .venv with $(python3 --version 2>&1)"
    if ! _venv_usable; then
        echo "python3 -m venv / ensurepip unavailable; installing python3-venv" >&2
        apt_install python3-venv
        _venv_usable || die "python3 -m venv still does not work after installing python3-venv"
    fi
    # --clear: a .venv left broken (its interpreter moved or removed) is rebuilt from scratch.
    python3 -m venv --clear "$VENV"
}

install_project() {
    local spec="${1:-.}"
    section "pip install -e '$spec'"
    "$VENV/bin/python" -m pip install -q -e "$spec" </dev/null
}
