#!/bin/bash
# The mixed program: capi-tests/mixed/main.c (C main loop, compiled against
# include/) linked with the Rust component examples/mixed_component.rs (a
# static library holding event_rs), and its expected output.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
cargo build -q --example mixed_component
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
gcc -Wall -Werror -O1 -I include -o "$OUT/mixed" capi-tests/mixed/main.c \
    "${CARGO_TARGET_DIR:-target}/debug/examples/libmixed_component.a" -lpthread -ldl -lm
got=$(timeout 20 "$OUT/mixed")
want='C got: HELLO MIXED
rust ticks seen: some
component detached: yes'
if [ "$got" == "$want" ]; then
	echo "mixed C/Rust program: ok"
else
	printf 'mixed C/Rust program: FAILED\n--- want\n%s\n--- got\n%s\n' "$want" "$got"
	exit 1
fi
