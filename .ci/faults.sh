#!/usr/bin/env bash
# Faults that need root (device nodes) or a second process at the same time
# (issue 15). Run by .ci/run after the test suite; takes a few seconds.
# Usage: .ci/faults.sh [TARGET_DIR]   (default: target)
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target}/release
TRAIN=$BIN/stance-train
TAG=$BIN/stance-tag
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
status=0
pass() { echo "ok: $1"; }
fail() { echo "FAILED: $1"; status=1; }
FX=tests/fixtures
MODEL=$W/m.stance
$TRAIN --train $FX/reviews_train.csv --text-col sentence --label-col verdict --hash-bits 12 --threads 1 -q \
  -o "$MODEL" > /dev/null || fail "training the test model"

# 1: device nodes as outputs are written through, never replaced (as root a rename would succeed).
$TAG --model "$MODEL" -q --format jsonl -o /dev/null $FX/sentences.txt
[ $? -eq 0 ] && [ -c /dev/null ] && pass "stance-tag -o /dev/null keeps the device" || fail "stance-tag -o /dev/null"
$TAG parse -q -o /dev/null $FX/sentences.txt 2> /dev/null
[ -c /dev/null ] && pass "stance-tag parse -o /dev/null keeps the device" || fail "stance-tag parse -o /dev/null"
$TRAIN --train $FX/reviews_train.csv --text-col sentence --label-col verdict --hash-bits 12 --threads 1 -q \
  -o /dev/null --metrics-json /dev/null > /dev/null
[ $? -eq 0 ] && [ -c /dev/null ] && pass "stance-train -o /dev/null --metrics-json /dev/null keeps the device" \
  || fail "stance-train -o /dev/null"
ln -s /dev/stdout "$W/stdout-link"
n=$($TAG --model "$MODEL" -q --format jsonl -o "$W/stdout-link" $FX/sentences.txt | wc -l)
[ "$n" -eq 4 ] && [ -L "$W/stdout-link" ] && pass "a symlink to stdout is written through" || fail "symlink to stdout ($n lines)"

# 11: closed or full stdout/stderr: never a panic (rc 101).
$TRAIN --train $FX/reviews_train.csv --text-col sentence --label-col verdict --hash-bits 12 -q \
  --dev $FX/reviews_dev.csv -o "$W/m2.stance" 2> "$W/train.err" | true
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] && ! grep -q panicked "$W/train.err" && pass "stance-train | true: rc 0" || fail "train | true: rc $rc"
$TAG bench --model "$MODEL" --warmup 0 $FX/sentences.txt 2> "$W/bench.err" | true
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] && ! grep -q panicked "$W/bench.err" && pass "stance-tag bench | true: rc 0" || fail "bench | true: rc $rc"
$TAG --model "$W/absent.stance" $FX/sentences.txt 2> /dev/full
rc=$?
[ "$rc" -eq 1 ] && pass "full stderr: rc 1" || fail "full stderr: rc $rc"
$TAG --model "$W/absent.stance" $FX/sentences.txt 2>&-
rc=$?
[ "$rc" -eq 1 ] && pass "closed stderr: rc 1" || fail "closed stderr: rc $rc"
$TRAIN --train "$W/absent.csv" -o "$W/x.stance" 2>&-
rc=$?
[ "$rc" -eq 1 ] && pass "stance-train, closed stderr: rc 1" || fail "stance-train closed stderr: rc $rc"

# 4: a second run writing the same output is refused while the first holds the lock.
mkfifo "$W/feed"
$TAG --model "$MODEL" -q --format jsonl -o "$W/out.jsonl" - < "$W/feed" &
first=$!
exec 7> "$W/feed"
echo "lovely tea" >&7
for _ in $(seq 100); do [ -e "$W/out.jsonl.partial.progress" ] && break; sleep 0.05; done
msg=$($TAG --model "$MODEL" -q --format jsonl -o "$W/out.jsonl" $FX/sentences.txt 2>&1)
rc=$?
exec 7>&-
wait $first
rc1=$?
if [ "$rc" -eq 1 ] && echo "$msg" | grep -q "another run is writing" && [ "$rc1" -eq 0 ] \
  && [ "$(wc -l < "$W/out.jsonl")" -eq 1 ]; then
  pass "a concurrent second writer is refused; the first completes"
else
  fail "concurrent writers: rc $rc ($msg), first rc $rc1"
fi

# 7: --threads 30000 is capped: peak memory stays small.
/usr/bin/time -o "$W/time" -f %M $TAG --model "$MODEL" -q --threads 30000 --format jsonl $FX/sentences.txt > /dev/null 2>&1
kb=$(tail -1 "$W/time")
[ "$kb" -lt 512000 ] && pass "--threads 30000: peak $((kb / 1024)) MB" || fail "--threads 30000: peak $kb KB"

# 7: under an address-space limit (ulimit -v), eight worker threads do not exhaust it with malloc arenas.
python3 -c "import sys; sys.stdout.write(open(sys.argv[1]).read() * 4000)" $FX/sentences.txt > "$W/many.txt"
# (the shipped sentence model: the fixture model is too small for the old failure to show)
SHIPPED=models/sentiment-news.stance
$TAG --model "$SHIPPED" -q --threads 2 --format jsonl "$W/many.txt" > "$W/unlimited.jsonl"
if (ulimit -v 200000; $TAG --model "$SHIPPED" -q --threads 8 --batch-size 64 --format jsonl "$W/many.txt" \
    > "$W/limited.jsonl" 2> "$W/limited.err") && cmp -s "$W/limited.jsonl" "$W/unlimited.jsonl"; then
  pass "ulimit -v 200000, 8 threads: $(wc -l < "$W/limited.jsonl") records, as without the limit"
else
  fail "ulimit -v 200000, 8 threads: $(head -c 300 "$W/limited.err")"
fi

# 14: a 1 GB file that is not a model is refused by its first bytes, not read whole.
truncate -s 1000M "$W/big.stance"
/usr/bin/time -o "$W/time" -f %M $TAG --model "$W/big.stance" $FX/sentences.txt > /dev/null 2> /dev/null
kb=$(tail -1 "$W/time")
[ "$kb" -lt 102400 ] && pass "a 1 GB non-model: refused at $((kb / 1024)) MB peak" || fail "1 GB non-model: peak $kb KB"

# 5: two symlinks forming a loop: each file once, no hang.
mkdir -p "$W/loop/a"
cp $FX/sentences.txt "$W/loop/a/s.txt"
ln -s .. "$W/loop/a/up"
ln -s a "$W/loop/b"
n=$(timeout 20 $TAG --model "$MODEL" -q --format jsonl "$W/loop" | wc -l)
[ "$n" -eq 4 ] && pass "symlink loop: each file once" || fail "symlink loop: $n records"

exit $status
