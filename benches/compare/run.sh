#!/usr/bin/env bash
# Side-by-side benchmark of stance against fastText, Vowpal Wabbit and scikit-learn.
# Usage: bash benches/compare/run.sh [--data ../shared/datasets] [other compare.py options]
# The peers are installed into benches/compare/.venv (pinned); they are never crate dependencies.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="$HERE/.venv"
FASTTEXT_PINS=("fasttext-wheel==0.9.2" "fasttext==0.9.3")

if [ ! -x "$VENV/bin/python" ]; then
    echo "creating $VENV" >&2
    python3 -m venv "$VENV"
fi

# Reinstall only when the pins change.
want="$(cat "$HERE/requirements.txt"; printf '%s\n' "${FASTTEXT_PINS[@]}")"
stamp="$VENV/.compare-installed"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "installing pinned peers into $VENV" >&2
    "$VENV/bin/python" -m pip install --quiet -r "$HERE/requirements.txt"
    ok=""
    for pin in "${FASTTEXT_PINS[@]}"; do
        if "$VENV/bin/python" -m pip install --quiet "$pin" "numpy==1.26.4"; then
            ok="$pin"; break
        fi
        echo "could not install $pin, trying the next one" >&2
    done
    [ -n "$ok" ] || { echo "no fastText package could be installed" >&2; exit 1; }
    "$VENV/bin/python" -c "import fasttext, vowpalwabbit, sklearn, numpy" 
    printf '%s\n' "$want" > "$stamp"
fi

# Relative paths (e.g. --data ../shared/datasets) are taken from the project root.
cd "$ROOT"
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE slow a current numpy: unset them for this run only.
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
    MKL_NUM_THREADS=1 PYTHONHASHSEED=0 "$VENV/bin/python" "$HERE/compare.py" "$@"
