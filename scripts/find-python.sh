#!/usr/bin/env bash
# Print the path of a Python >= 3.12 that can create virtual environments, or explain
# what to install and exit 1. Interpreters are tested by running them: on some machines
# a `python3.12` shim exists on PATH but fails when run.
set -u
MIN_MINOR=12

ok() {
  "$1" -c "import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, $MIN_MINOR) else 1)" \
    >/dev/null 2>&1
}
too_old_or_no_venv=""
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
for v in 3.12 3.13 3.14; do candidates+=("python$v"); done
candidates+=(python3)
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for d in $(ls -d "$root"/versions/3.1[2-9]* 2>/dev/null | sort -V); do candidates+=("$d/bin/python3"); done
fi
for d in /usr/local/bin /usr/bin /opt/python*/bin "$HOME"/.local/bin; do
  for v in 3.12 3.13 3.14; do [ -x "$d/python$v" ] && candidates+=("$d/python$v"); done
done
for c in "${candidates[@]}"; do
  path=$(command -v "$c" 2>/dev/null) || continue
  if ok "$path"; then echo "$path"; exit 0; fi
  if "$path" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
    too_old_or_no_venv="$path (Python >= 3.12 but without the venv/ensurepip module)"
  fi
done

echo "Rapport needs Python 3.12 or newer with the venv module." >&2
[ -n "$too_old_or_no_venv" ] && echo "Found $too_old_or_no_venv." >&2
cat >&2 <<'MSG'
Install one, then run the command again:
  Ubuntu 24.04 / Debian 13:  sudo apt-get install -y python3 python3-venv
  Ubuntu 22.04:              sudo add-apt-repository ppa:deadsnakes/ppa && sudo apt-get install -y python3.12 python3.12-venv
  Debian 12:                 use pyenv (https://github.com/pyenv/pyenv) or uv: `uv python install 3.12`
Or point PYTHON at an interpreter:  make run PYTHON=/path/to/python3.12
MSG
exit 1
