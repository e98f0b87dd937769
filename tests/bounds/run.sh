#!/usr/bin/env bash
# Bounds of issue 15, measured (not a timed test): peak RSS of stance-tag and
# stance-train on hostile CSV streamed through a pipe (nothing on disk), and the
# time to tag articles whose sentences never end.
# Usage: tests/bounds/run.sh [TARGET_DIR]   (default: target; build with cargo build --release)
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-target}/release
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
FX=tests/fixtures
$BIN/stance-train --train $FX/reviews_train.csv --text-col sentence --label-col verdict --hash-bits 12 -q \
  -o "$W/m.stance" > /dev/null
peak() { # label, then a command reading stdin; prints peak RSS in MB
  local label=$1; shift
  local kb
  /usr/bin/time -o "$W/time" -f %M "$@" > /dev/null 2> "$W/err"
  kb=$(tail -1 "$W/time")
  printf '%-52s %5d MB  %s\n' "$label" $((kb / 1024)) "$(tail -c 110 "$W/err" | tr '\n' ' ')"
}
field() { python3 -c "
import sys
o = sys.stdout.buffer
o.write(b'text,label\nok,a\n\"')
chunk = b'x' * (1 << 20)
for _ in range($1): o.write(chunk)
o.write(b'\",b\nafter,c\n')" 2> /dev/null; }
blank() { python3 -c "
import sys
o = sys.stdout.buffer
o.write(b'text,label\nok,a\n')
chunk = b'\n' * (1 << 20)
for _ in range($1): o.write(chunk)
o.write(b'after,c\n')" 2> /dev/null; }
field 2048 | peak "stance-tag: a 2 GB quoted CSV field" $BIN/stance-tag --model "$W/m.stance" --input-format csv --format jsonl -
blank 100 | peak "stance-tag: 100 MB of blank lines in CSV" $BIN/stance-tag --model "$W/m.stance" --input-format csv --format jsonl -
field 2048 | peak "stance-train: a 2 GB quoted CSV field (--train -)" $BIN/stance-train --train - --format csv -o "$W/x.stance"
peak "stance-tag: /dev/zero as CSV" $BIN/stance-tag --model "$W/m.stance" --input-format csv --format jsonl /dev/zero
peak "stance-tag: --threads 30000" $BIN/stance-tag --model "$W/m.stance" --threads 30000 --format jsonl $FX/sentences.txt

article() { python3 -c "
import sys
s = 'Turkey rejected the deal and Russia backed the ceasefire while Egypt praised the agreement '
sys.stdout.write((s * ($1 // len(s) + 1))[:$1])"; }
secs() { # label, then a command; prints seconds and peak RSS
  local label=$1; shift
  /usr/bin/time -o "$W/time" -f '%e %M' "$@" > /dev/null 2> "$W/err"
  read -r t kb < <(tail -1 "$W/time")
  printf '%-52s %6s s %5d MB\n' "$label" "$t" $((kb / 1024))
}
article 65536 > "$W/a64k.txt"
article 16777216 > "$W/a16m.txt"
python3 -c "print('Turkey Russia Egypt France ' * 50000)" > "$W/actors.txt"
python3 -c "print('ceasefire deal sanctions summit ' * 2000)" > "$W/triggers.txt"
secs "stance-tag: a 64 KB article of one sentence" $BIN/stance-tag --format jsonl -q "$W/a64k.txt"
secs "stance-tag: a 16 MB article of one sentence" $BIN/stance-tag --format jsonl -q --max-record-bytes 100000000 "$W/a16m.txt"
secs "stance-tag: 200k actor names in one sentence" $BIN/stance-tag --format jsonl -q "$W/actors.txt"
secs "stance-tag: 8k event triggers in one sentence" $BIN/stance-tag --format jsonl -q "$W/triggers.txt"
