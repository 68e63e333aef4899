#!/usr/bin/env bash
# Differential tests of event2/bufferevent.h, bufferevent_compat.h and
# listener.h (see ../diff-suite.sh): on every backend, ours and swap modes.
#   bash capi-tests/bufferevent/run.sh;  ONLY="pair filter" bash capi-tests/bufferevent/run.sh
exec bash "$(dirname "$0")/../diff-suite.sh" "$(dirname "$0")"
