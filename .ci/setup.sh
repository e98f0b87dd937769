#!/usr/bin/env bash
# The one setup step for checks that need more than cargo: Debian packages, then a Python virtualenv.
# Idempotent: packages already installed are not fetched again (apt-get update runs first when any is
# missing); the virtualenv is reinstalled only when .ci/requirements.txt changes.
# Usage: bash .ci/setup.sh            (prints the virtualenv's python on its last line)
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the checks need (each line: package, and who needs it).
APT_PACKAGES=(
    openjdk-17-jre-headless  # PySpark's Java runtime: python/tests/test_spark.py runs the Spark examples in local[2]
    chromium            # .ci/report_check.py: renders the HTML reports headless (DOM and screenshots)
    fonts-dejavu-core   # a font for those screenshots' text
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# The checks' Python packages, pinned, in a virtualenv of the project's own (never the system Python).
VENV=.ci/.venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
stamp="$VENV/.installed"
if [ ! -f "$stamp" ] || ! cmp -s .ci/requirements.txt "$stamp"; then
    echo "setup: installing .ci/requirements.txt into $VENV" >&2
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
    "$VENV/bin/python" -m pip install --quiet -r .ci/requirements.txt >&2
    cp .ci/requirements.txt "$stamp"
fi
echo "$VENV/bin/python"
