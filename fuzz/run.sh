#!/usr/bin/env bash
# Runs the fuzz targets, each for SECONDS (default 60).
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Targets default to all of them (text, readers, model_file, articles, syntax). Extra libFuzzer
# flags can be passed in FUZZ_ARGS, e.g. FUZZ_ARGS="-fork=2 -ignore_crashes=1".
# Crashes are written to fuzz/artifacts/TARGET/; the growing corpus is kept in
# fuzz/corpus/TARGET/ (both ignored by git), seeded from fuzz/seeds/TARGET/,
# with the dictionary fuzz/dicts/TARGET.dict when there is one.
# Exits non-zero when any target found a crash, OOM or timeout (also under
# -ignore_crashes, by counting new files in fuzz/artifacts/TARGET/).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

secs="${1:-60}"
shift || true
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=(text readers model_file articles syntax)
fi

# cargo fuzz needs nightly-only flags (-Zsanitizer=address); only a stable
# toolchain is installed, so let it accept them.
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

cargo fuzz build

failed=()
for t in "${targets[@]}"; do
    mkdir -p "$here/corpus/$t" "$here/artifacts/$t"
    dict=()
    if [ -f "$here/dicts/$t.dict" ]; then
        dict=("-dict=$here/dicts/$t.dict")
    fi
    echo "=== fuzzing $t for ${secs}s"
    started="$(mktemp)"
    status=0
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
    cargo fuzz run "$t" "$here/corpus/$t" "$here/seeds/$t" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 ${dict[@]+"${dict[@]}"} ${FUZZ_ARGS:-} ||
        status=$?
    # With -ignore_crashes libFuzzer exits 0 after a crash: count new artifacts too.
    found="$(find "$here/artifacts/$t" -type f -newer "$started" \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | wc -l)"
    rm -f "$started"
    if [ "$status" -ne 0 ] || [ "$found" -gt 0 ]; then
        echo "=== $t: exit status $status, $found new crash, OOM or timeout input(s) in fuzz/artifacts/$t/" >&2
        failed+=("$t")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "crashes found in: ${failed[*]} (see fuzz/artifacts/)" >&2
    exit 1
fi
echo "no crashes"
