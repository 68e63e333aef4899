#!/usr/bin/env bash
# Differential tests of event2/buffer.h and buffer_compat.h (see
# ../diff-suite.sh): built against the system libevent and against event_rs,
# transcripts must match. evbuffer does no I/O multiplexing, so one backend.
#   bash capi-tests/buffer/run.sh;  ONLY="basic search" bash capi-tests/buffer/run.sh
BACKENDS=${BACKENDS:-epoll} MODES=${MODES:-ours} exec bash "$(dirname "$0")/../diff-suite.sh" "$(dirname "$0")"
