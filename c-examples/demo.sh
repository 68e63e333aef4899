#!/usr/bin/env bash
# `make demo`: the articles' echo server (002_echo2_server_9999.c, built
# unchanged) running on event_rs, driven by the articles' client
# (002_echo2_client.c). Everything on 127.0.0.1:9999.
set -euo pipefail
cd "$(dirname "$0")"
make -s SHARED="${SHARED:-../../shared}" CFLAGS="-I$PWD/../include" \
	LIBS="-L$PWD/../target/lib -levent_rs -Wl,-rpath,$PWD/../target/lib" \
	bin/002_echo2_server_9999 bin/002_echo2_client >/dev/null
out=$(mktemp -d)
trap 'kill $srv 2>/dev/null || true; rm -rf "$out"' EXIT
echo "== library: $(readlink -f ../target/lib/libevent_rs.so)"
echo "== server: 002_echo2_server_9999 (from the articles), linked with:"
ldd bin/002_echo2_server_9999 | grep -E 'event' | sed 's/^/     /'
stdbuf -oL bin/002_echo2_server_9999 >"$out/server.log" 2>&1 &
srv=$!
# Wait until port 9999 (0x270F) is listening (state 0A), without connecting.
for _ in $(seq 50); do
	awk '$2 ~ /:270F$/ && $4 == "0A" {found=1} END {exit !found}' /proc/net/tcp && break
	sleep 0.1
done
echo "== client: 002_echo2_client 127.0.0.1 9999, typing three lines"
{ for line in "hello from event_rs" "libevent 2.1.12 API, Rust inside" "bye"; do
	echo "$line"; sleep 0.3
  done; } | timeout 10 stdbuf -oL bin/002_echo2_client 127.0.0.1 9999 | sed 's/^/   client| /' || true
sleep 0.2
echo "== what the server printed"
sed 's/^/   server| /' "$out/server.log"
