# event_rs — see README.md. `make demo` and `make test` are the two commands.
SHELL := /bin/bash
SHARED ?= $(abspath ../shared)
CARGO ?= cargo
LIBDIR := target/lib
PROFILE ?= release
CARGO_FLAGS := $(if $(filter release,$(PROFILE)),--release,)
RUST_LIB := target/$(PROFILE)/libevent_rs.so
SONAMES := libevent-2.1.so.7 libevent_core-2.1.so.7 libevent_extra-2.1.so.7 \
           libevent_pthreads-2.1.so.7 libevent_openssl-2.1.so.7
SHIMS := $(addprefix $(LIBDIR)/,$(SONAMES))
OUR_CFLAGS := -I$(CURDIR)/include
OUR_LIBS := -L$(CURDIR)/$(LIBDIR) -levent_rs -Wl,-rpath,$(CURDIR)/$(LIBDIR)
# The articles' programs (all of them).
SEEDS := 000_client 001_event_set_server_25341 001_bufferevent_echo_server_9999 \
         001_bufferevent_echo_server_9999_plus2 001_echocli_client 002_echo_server1_welcome \
         002_echo2_server_9999 002_echo2_client 002_buffered_echo_server_9999 002_signal_sigint

.PHONY: bench bench-evbuffer bench-net all lib headers check-headers test test-rust test-layout test-capi test-headers test-seeds \
        test-swap test-preload test-examples test-crate regress regress-all abi-report realworld demo deps install clean c-examples

all: lib

## The library and the SONAME shims, all in target/lib.
lib: $(LIBDIR)/libevent_rs.so $(SHIMS)

$(RUST_LIB): FORCE
	$(CARGO) build $(CARGO_FLAGS) --lib

$(LIBDIR)/libevent_rs.so: $(RUST_LIB)
	@mkdir -p $(LIBDIR)
	cp -f $< $@
	ln -sf libevent_rs.so $(LIBDIR)/libevent.so
	ln -sf libevent_rs.so $(LIBDIR)/libevent_core.so
	ln -sf libevent_rs.so $(LIBDIR)/libevent_extra.so
	ln -sf libevent_rs.so $(LIBDIR)/libevent_pthreads.so
	cp -f target/$(PROFILE)/libevent_rs.a $(LIBDIR)/ 2>/dev/null || true

# Each shim is an empty library whose only content is DT_NEEDED libevent_rs.so,
# so a libevent program loads exactly one implementation: ours.
$(LIBDIR)/%.so.7: $(LIBDIR)/libevent_rs.so
	echo > $(LIBDIR)/.empty.c
	gcc -shared -fPIC -o $@ $(LIBDIR)/.empty.c -Wl,-soname,$*.so.7 -Wl,--no-as-needed \
	    -L$(LIBDIR) -levent_rs -Wl,-rpath,'$$ORIGIN'

FORCE:

## Headers: regenerate into include/ (after changing src/capi), or check they are current.
headers:
	EVENT_RS_GEN_HEADERS=$(CURDIR)/include $(CARGO) build --lib

check-headers:
	@rm -rf target/headers-check
	EVENT_RS_GEN_HEADERS=$(CURDIR)/target/headers-check $(CARGO) build --lib
	@if diff -r -u include target/headers-check; then echo "headers: include/ is current"; \
	 else echo "headers: include/ differs from the generated headers; run 'make headers'"; exit 1; fi

## Dependencies a fresh Debian machine lacks (CI runs as root).
deps:
	@need=(); for p in gcc g++ make python3 pkg-config libevent-dev libclang-dev cmake zlib1g-dev iproute2 valgrind memcached tmux; do \
	  dpkg -s $$p >/dev/null 2>&1 || need+=($$p); done; \
	if [ $${#need[@]} -gt 0 ]; then echo "installing: $${need[*]}"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $${need[@]} >/dev/null; fi

## Everything.
test: deps lib check-headers test-rust test-crate test-layout test-headers test-capi test-seeds test-swap test-preload test-examples regress-ratchet realworld
	@echo "make test: all suites passed"

test-rust:
	$(CARGO) test --lib

# The Rust crate API (src/api): integration tests (tests/*.rs, including the
# drives of examples/ and the mixed C-loop/Rust-component tests), doc tests,
# rustdoc without warnings, and a C program hosting a Rust component.
test-crate:
	$(CARGO) build --examples
	$(CARGO) test --test '*'
	$(CARGO) test --doc
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps
	bash capi-tests/mixed/run.sh

# Our #[repr(C)] types against bindgen's reading of Debian's libevent headers.
test-layout:
	$(CARGO) test --lib --features layout-check layout_check

test-headers:
	bash capi-tests/headers/check.sh

test-capi: lib
	bash capi-tests/run-diff.sh
	MODES=fast BACKENDS=epoll bash capi-tests/run-diff.sh
	bash capi-tests/buffer/run.sh
	bash capi-tests/util/run.sh
	bash capi-tests/bufferevent/run.sh
	bash capi-tests/threads/run.sh

test-seeds: lib
	ONLY="$(SEEDS)" bash $(SHARED)/seed-examples/check.sh "$(OUR_CFLAGS)" "$(OUR_LIBS)"

# The same seed programs built against Debian's libevent, run over our shims.
test-swap: lib
	LD_LIBRARY_PATH=$(CURDIR)/$(LIBDIR) ONLY="$(SEEDS)" \
	  bash $(SHARED)/seed-examples/check.sh "" "-levent"

# The same, with our library preloaded over Debian's.
test-preload: lib
	LD_PRELOAD=$(CURDIR)/$(LIBDIR)/libevent_rs.so ONLY="$(SEEDS)" \
	  bash $(SHARED)/seed-examples/check.sh "" "-levent"

## libevent's own regress suite (see capi-tests/upstream/README.md).
regress: lib
	bash capi-tests/upstream/build.sh
	LIBDIR=$(if $(filter system,$(LIBEVENT)),,$(CURDIR)/$(LIBDIR)) LIBEVENT=$(LIBEVENT) \
	  bash capi-tests/upstream/run.sh

regress-ratchet: lib
	bash capi-tests/upstream/build.sh
	LIBDIR=$(CURDIR)/$(LIBDIR) bash capi-tests/upstream/run.sh --ratchet capi-tests/upstream/expected-pass.txt

# Every backend, the epoll changelist, the precise timer, and debug mode.
regress-all: lib
	bash capi-tests/upstream/build.sh
	@for cfg in "BACKEND=epoll" "BACKEND=poll" "BACKEND=select" "CHANGELIST=1" "PRECISE=1" "DEBUG=1"; do \
	  echo "== regress $$cfg"; \
	  env $$cfg LIBDIR=$(CURDIR)/$(LIBDIR) NO_BUILD=1 bash capi-tests/upstream/run.sh | tail -n 1; done

## The binary interface against libevent 2.1.12: printed, and written to docs/ABI_STATUS.md.
abi-report: lib
	ABI_DIR=$(SHARED)/abi bash capi-tests/abi/report.sh

## Debian's memcached and tmux over our shims, driven by real clients (LIBEVENT=system: the baseline).
realworld: lib
	LIBEVENT=$(LIBEVENT) LIBDIR=$(CURDIR)/$(LIBDIR) bash capi-tests/realworld/run.sh

# Our examples build and do what their README says.
test-examples: c-examples
	c-examples/bin/timer | grep -q '^tick 5' && c-examples/bin/timer | grep -q '^one-shot timer'
	c-examples/bin/signal | grep -q 'handler restored to default: yes'
	@echo "c-examples: ok"

## The articles' echo server on event_rs, driven by a client.
demo: deps lib
	bash c-examples/demo.sh

c-examples: lib
	$(MAKE) -C c-examples SHARED=$(SHARED) CFLAGS="$(OUR_CFLAGS)" LIBS="$(OUR_LIBS)"

## Side-by-side benchmarks against the system libevent: docs/BENCHMARKS.md, docs/benchmarks.svg.
bench: lib
	QUICK=$(QUICK) bash capi-tests/bench/run.sh

## The evbuffer cases only: target/bench/evbuffer.{md,svg}.
bench-evbuffer: lib
	QUICK=$(QUICK) bash capi-tests/bench/run.sh --evbuffer

## Echo round trips, bulk echo, memory per idle connection: target/bench/net.{md,svg}.
bench-net: lib
	QUICK=$(QUICK) bash capi-tests/bench/run.sh --net

PREFIX ?= /usr/local
install: lib
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/event2 $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(LIBDIR)/libevent_rs.so $(DESTDIR)$(PREFIX)/lib/
	for s in $(SONAMES); do install -m 755 $(LIBDIR)/$$s $(DESTDIR)$(PREFIX)/lib/; done
	cp -a $(LIBDIR)/libevent.so $(LIBDIR)/libevent_core.so $(LIBDIR)/libevent_extra.so \
	      $(LIBDIR)/libevent_pthreads.so $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/*.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 include/event2/*.h $(DESTDIR)$(PREFIX)/include/event2/
	for pc in libevent_rs libevent libevent_core libevent_extra libevent_pthreads; do \
	  sed -e 's|@PREFIX@|$(PREFIX)|g' -e "s|@NAME@|$$pc|g" pkgconfig.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/$$pc.pc; done

clean:
	$(CARGO) clean
