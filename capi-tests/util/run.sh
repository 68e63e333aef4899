#!/usr/bin/env bash
# Differential tests of event2/util.h and the exported internal evutil
# helpers (see ../diff-suite.sh): built against the system libevent and
# against event_rs, also the system build over our shims (swap). badinput.c
# (NULLs and malformed input libevent crashes on) is compared with
# badinput.expected.
#   bash capi-tests/util/run.sh;  ONLY="addr gai" bash capi-tests/util/run.sh
BACKENDS=${BACKENDS:-epoll} TIMEOUT=${TIMEOUT:-30} exec bash "$(dirname "$0")/../diff-suite.sh" "$(dirname "$0")"
