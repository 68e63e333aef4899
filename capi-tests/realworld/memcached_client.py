#!/usr/bin/env python3
"""A memcached text-protocol client for capi-tests/realworld/run.sh.

Standard library only.  Every wait is bounded (socket timeouts and an overall
deadline).  Each subcommand prints one line starting with "ok" or "error"
and exits 0 or 1.

  memcached_client.py wait  --port P [--timeout S] [--pid PID]
      connect and send "version" until the server answers (startup probe);
      exit 2 as soon as process PID has exited
  memcached_client.py ops   --port P --conns N --ops N --state FILE [--seed S]
      N connections in parallel, each running a seeded mix of set/get/gets/cas/
      add/replace/append/prepend/incr/decr/delete/multi-get against its own keys
      and checking every reply against a model; while all are open, "stats"
      must show them all; afterwards one more connection reads every key of
      every connection back.  Writes the expected statistics to FILE.
  memcached_client.py stats --port P --state FILE
      "stats" and "version": the counters must equal what `ops` did
  memcached_client.py shutdown --port P
      "shutdown graceful" (memcached -A); the caller checks that the server exits
"""
import argparse
import json
import random
import socket
import sys
import threading
import time

MAX_U64 = (1 << 64) - 1


class ProtocolError(Exception):
    pass


class Conn:
    def __init__(self, port, timeout):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ProtocolError("server closed the connection")
        self.buf += chunk

    def line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                out, self.buf = self.buf[:i], self.buf[i + 2:]
                return out
            self._fill()

    def exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def cmd(self, line, data=None):
        msg = line.encode() + b"\r\n"
        if data is not None:
            msg += data + b"\r\n"
        self.send(msg)
        return self.line()

    def retrieve(self, line):
        """get/gets: returns {key: (flags, data, cas or None)} in order."""
        self.send(line.encode() + b"\r\n")
        out = {}
        order = []
        while True:
            head = self.line()
            if head == b"END":
                return out, order
            parts = head.split(b" ")
            if parts[0] != b"VALUE" or len(parts) not in (4, 5):
                raise ProtocolError("bad retrieval line %r after %r" % (head, line))
            key = parts[1].decode()
            flags, n = int(parts[2]), int(parts[3])
            cas = int(parts[4]) if len(parts) == 5 else None
            data = self.exact(n + 2)
            if data[-2:] != b"\r\n":
                raise ProtocolError("data block of %s not terminated by CRLF" % key)
            out[key] = (flags, data[:-2], cas)
            order.append(key)

    def stats(self):
        self.send(b"stats\r\n")
        st = {}
        while True:
            l = self.line()
            if l == b"END":
                return st
            p = l.split(b" ", 2)
            if p[0] != b"STAT" or len(p) != 3:
                raise ProtocolError("bad stats line %r" % l)
            st[p[1].decode()] = p[2].decode()


class Counts:
    """What memcached's counters must show after the workload."""
    NAMES = ("cmd_get", "get_hits", "get_misses", "cmd_set", "delete_hits",
             "delete_misses", "incr_hits", "incr_misses", "decr_hits",
             "decr_misses", "cas_hits", "cas_badval", "cas_misses", "commands")

    def __init__(self):
        for n in self.NAMES:
            setattr(self, n, 0)

    def add(self, other):
        for n in self.NAMES:
            setattr(self, n, getattr(self, n) + getattr(other, n))


def expect(got, want, what):
    if got != want:
        raise ProtocolError("%s: expected %r, got %r" % (what, want, got))


class Worker:
    """One connection and its own keys; a model of what the server holds."""

    def __init__(self, idx, port, nops, seed, run, timeout):
        self.idx = idx
        self.port = port
        self.nops = nops
        self.rng = random.Random("%s/%d" % (seed, idx))
        self.prefix = "rw%s:%d:" % (run, idx)
        self.keys = [self.prefix + "k%d" % j for j in range(16)]
        self.ctrs = [self.prefix + "n%d" % j for j in range(4)]
        self.model = {}      # key -> (flags, bytes)
        self.counters = {}   # key -> int (values may come back space-padded)
        self.c = Counts()
        self.timeout = timeout
        self.conn = None
        self.error = None

    def value(self):
        r = self.rng
        n = r.choice((1, 7, 30, 100, 500, 3000)) if r.random() < 0.97 else r.randint(10000, 40000)
        # starts with a letter (never numeric); may contain CR, LF, NUL...
        return b"v" + r.randbytes(n - 1)

    def storage(self, verb, key, flags, data, want, cas=None):
        self.c.cmd_set += 1
        self.c.commands += 1
        line = "%s %s %d 0 %d" % (verb, key, flags, len(data))
        if cas is not None:
            line += " %d" % cas
        expect(self.conn.cmd(line, data), want, line)

    def check_get(self, keys, with_cas=False):
        self.c.commands += 1
        self.c.cmd_get += len(keys)
        got, order = self.conn.retrieve(("gets " if with_cas else "get ") + " ".join(keys))
        want_order = [k for k in keys if k in self.model or k in self.counters]
        expect(order, want_order, "keys returned by get %s" % " ".join(keys))
        for k in keys:
            if k in self.model:
                self.c.get_hits += 1
                flags, data = self.model[k]
                expect(got[k][0], flags, "flags of %s" % k)
                if got[k][1] != data:
                    raise ProtocolError("value of %s: expected %d bytes %r..., got %d bytes %r..."
                                        % (k, len(data), data[:16], len(got[k][1]), got[k][1][:16]))
            elif k in self.counters:
                self.c.get_hits += 1
                self.check_counter_bytes(k, got[k][1])
            else:
                self.c.get_misses += 1
        return got

    def check_counter_bytes(self, k, data):
        # memcached rewrites a shorter result in place, padded with spaces
        want = str(self.counters[k]).encode()
        if data.rstrip(b" ") != want:
            raise ProtocolError("counter %s: expected %r, got %r" % (k, want, data))

    def op(self):
        r = self.rng
        kind = r.choices(
            ("set", "get", "add", "replace", "append", "prepend", "delete",
             "cas", "mget", "incr", "decr", "setnum", "getnum", "delnum", "incr_miss", "incr_text"),
            weights=(14, 14, 6, 6, 6, 4, 6, 6, 6, 8, 5, 4, 4, 2, 2, 2))[0]
        k = r.choice(self.keys)
        n = r.choice(self.ctrs)
        flags = r.choice((0, 1, 42, 65535, 4294967295))
        if kind == "set":
            d = self.value()
            self.storage("set", k, flags, d, b"STORED")
            self.model[k] = (flags, d)
        elif kind == "get":
            self.check_get([k])
        elif kind == "add":
            d = self.value()
            if k in self.model:
                self.storage("add", k, flags, d, b"NOT_STORED")
            else:
                self.storage("add", k, flags, d, b"STORED")
                self.model[k] = (flags, d)
        elif kind == "replace":
            d = self.value()
            if k in self.model:
                self.storage("replace", k, flags, d, b"STORED")
                self.model[k] = (flags, d)
            else:
                self.storage("replace", k, flags, d, b"NOT_STORED")
        elif kind in ("append", "prepend"):
            d = b"+" + r.randbytes(r.choice((0, 5, 50, 400)))
            if k in self.model and len(self.model[k][1]) < 60000:
                f0, old = self.model[k]
                self.storage(kind, k, flags, d, b"STORED")   # flags are ignored
                self.model[k] = (f0, old + d if kind == "append" else d + old)
            elif k not in self.model:
                self.storage(kind, k, flags, d, b"NOT_STORED")
            else:
                self.check_get([k])
        elif kind == "delete":
            self.c.commands += 1
            if k in self.model:
                self.c.delete_hits += 1
                expect(self.conn.cmd("delete " + k), b"DELETED", "delete " + k)
                del self.model[k]
            else:
                self.c.delete_misses += 1
                expect(self.conn.cmd("delete " + k), b"NOT_FOUND", "delete " + k)
        elif kind == "cas":
            got = self.check_get([k], with_cas=True)
            d = self.value()
            if k in self.model:
                cas = got[k][2]
                self.storage("cas", k, flags, d, b"STORED", cas=cas)
                self.c.cas_hits += 1
                self.model[k] = (flags, d)
                # the same unique value again is stale now
                self.storage("cas", k, flags, self.value(), b"EXISTS", cas=cas)
                self.c.cas_badval += 1
            else:
                self.storage("cas", k, flags, d, b"NOT_FOUND", cas=r.randint(1, 1 << 40))
                self.c.cas_misses += 1
        elif kind == "mget":
            ks = r.sample(self.keys + self.ctrs, r.randint(2, 8))
            self.check_get(ks)
        elif kind in ("incr", "decr"):
            if n not in self.counters:
                v = r.randint(0, 10 ** r.randint(1, 19))
                self.storage("set", n, 0, str(v).encode(), b"STORED")
                self.counters[n] = v
                self.model.pop(n, None)
                return
            delta = r.choice((0, 1, 7, 1000, 10 ** 12, MAX_U64))
            old = self.counters[n]
            if kind == "incr":
                new = (old + delta) & MAX_U64
                self.c.incr_hits += 1
            else:
                new = max(0, old - delta)
                self.c.decr_hits += 1
            self.c.commands += 1
            expect(self.conn.cmd("%s %s %d" % (kind, n, delta)), str(new).encode(),
                   "%s %s %d (value %d)" % (kind, n, delta, old))
            self.counters[n] = new
        elif kind == "setnum":
            v = r.randint(0, MAX_U64)
            self.storage("set", n, 0, str(v).encode(), b"STORED")
            self.counters[n] = v
        elif kind == "getnum":
            self.check_get([n])
        elif kind == "delnum":
            self.c.commands += 1
            if n in self.counters:
                self.c.delete_hits += 1
                expect(self.conn.cmd("delete " + n), b"DELETED", "delete " + n)
                del self.counters[n]
            else:
                self.c.delete_misses += 1
                expect(self.conn.cmd("delete " + n), b"NOT_FOUND", "delete " + n)
        elif kind == "incr_miss":
            self.c.commands += 1
            if r.random() < 0.5:
                self.c.incr_misses += 1
                expect(self.conn.cmd("incr %snone 1" % self.prefix), b"NOT_FOUND", "incr of a missing key")
            else:
                self.c.decr_misses += 1
                expect(self.conn.cmd("decr %snone 1" % self.prefix), b"NOT_FOUND", "decr of a missing key")
        elif kind == "incr_text":
            if k in self.model:
                self.c.commands += 1
                expect(self.conn.cmd("incr %s 1" % k),
                       b"CLIENT_ERROR cannot increment or decrement non-numeric value",
                       "incr of a non-numeric value")
            else:
                self.check_get([k])

    def run(self, connected, done, deadline):
        try:
            self.conn = Conn(self.port, self.timeout)
            connected.wait(self.timeout)
            for _ in range(self.nops):
                if time.monotonic() > deadline:
                    raise ProtocolError("overall deadline passed")
                self.op()
            done.wait(self.timeout)
        except Exception as e:  # noqa: BLE001 - reported, never swallowed
            self.error = "connection %d: %s: %s" % (self.idx, type(e).__name__, e)
            try:
                connected.abort()
                done.abort()
            except Exception:  # noqa: BLE001
                pass


def process_gone(pid):
    """True once PID has exited (a zombie counts as exited)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def cmd_wait(a):
    deadline = time.monotonic() + a.timeout
    last = "no attempt"
    while time.monotonic() < deadline:
        if a.pid and process_gone(a.pid):
            print("error: the server process exited")
            return 2
        try:
            c = Conn(a.port, 2)
            v = c.cmd("version")
            c.close()
            if v.startswith(b"VERSION "):
                print("ok", v.decode())
                return 0
            last = "unexpected reply %r" % v
        except Exception as e:  # noqa: BLE001
            last = "%s: %s" % (type(e).__name__, e)
        time.sleep(0.1)
    print("error: no answer on 127.0.0.1:%d within %ss (%s)" % (a.port, a.timeout, last))
    return 1


def cmd_ops(a):
    start = time.monotonic()
    deadline = start + a.deadline
    run = "%x" % random.Random(a.seed).getrandbits(32)
    # the workload runs in two halves: all connections open, then "stats"
    # from one more connection while every one of them is still open
    connected = threading.Barrier(a.conns + 1)
    done = threading.Barrier(a.conns + 1)
    workers = [Worker(i, a.port, a.ops, a.seed, run, a.timeout) for i in range(a.conns)]
    threads = [threading.Thread(target=w.run, args=(connected, done, deadline), daemon=True)
               for w in workers]
    for t in threads:
        t.start()
    probe = None
    err = None
    try:
        connected.wait(a.timeout)
        probe = Conn(a.port, a.timeout)
        st = probe.stats()
        if int(st.get("curr_connections", 0)) < a.conns + 1:
            err = "stats while %d connections are open: curr_connections = %s" % (
                a.conns + 1, st.get("curr_connections"))
        done.wait(a.deadline)
    except threading.BrokenBarrierError:
        pass
    except Exception as e:  # noqa: BLE001
        err = "%s: %s" % (type(e).__name__, e)
    for t in threads:
        t.join(max(0.1, deadline - time.monotonic()))
    # the first real error, not the broken barriers it caused in the others
    errors = sorted((w.error for w in workers if w.error), key=lambda e: "BrokenBarrierError" in e)
    if any(t.is_alive() for t in threads):
        errors.append("%d connections still busy at the deadline" % sum(t.is_alive() for t in threads))
    if err:
        errors.insert(0, err)
    if errors:
        print("error: %s%s" % (errors[0], " (and %d more errors)" % (len(errors) - 1) if len(errors) > 1 else ""))
        return 1
    for w in workers:
        w.conn.close()
    # every key of every connection, read back through one other connection
    total = Counts()
    for w in workers:
        total.add(w.c)
    try:
        checker = Worker(a.conns, a.port, 0, a.seed, run, a.timeout)
        checker.conn = probe
        for w in workers:
            checker.model, checker.counters = w.model, w.counters
            ks = w.keys + w.ctrs
            for i in range(0, len(ks), 10):
                checker.check_get(ks[i:i + 10])
        total.add(checker.c)
        probe.close()
    except Exception as e:  # noqa: BLE001
        print("error: reading every key back: %s: %s" % (type(e).__name__, e))
        return 1
    live = sum(len(w.model) + len(w.counters) for w in workers)
    state = {n: getattr(total, n) for n in Counts.NAMES}
    state.update(curr_items=live, conns=a.conns, ops=a.ops)
    with open(a.state, "w") as f:
        json.dump(state, f, sort_keys=True)
    print("ok %d connections x %d operations (%d commands in all, %d keys live), every reply "
          "verified, all keys read back, %.1fs" % (a.conns, a.ops, total.commands, live,
                                                   time.monotonic() - start))
    return 0


def cmd_stats(a):
    with open(a.state) as f:
        want = json.load(f)
    try:
        c = Conn(a.port, a.timeout)
        st = c.stats()
        v = c.cmd("version")
        c.close()
    except Exception as e:  # noqa: BLE001
        print("error: %s: %s" % (type(e).__name__, e))
        return 1
    bad = []
    if not v.startswith(b"VERSION "):
        bad.append("version: %r" % v)
    for n in Counts.NAMES + ("curr_items",):
        if n == "commands":
            continue
        if n not in st:
            bad.append("%s missing" % n)
        elif int(st[n]) != want[n]:
            bad.append("%s = %s, expected %d" % (n, st[n], want[n]))
    if int(st.get("evictions", -1)) != 0:
        bad.append("evictions = %s (the model assumes none)" % st.get("evictions"))
    if int(st.get("total_connections", 0)) < want["conns"] + 2:
        bad.append("total_connections = %s, expected at least %d" % (st.get("total_connections"), want["conns"] + 2))
    if bad:
        print("error: stats: " + "; ".join(bad))
        return 1
    print("ok stats: %d STAT lines; cmd_get %s, cmd_set %s, get_hits %s, incr_hits %s, cas_hits %s, "
          "curr_items %s, total_connections %s" % (len(st), st["cmd_get"], st["cmd_set"], st["get_hits"],
                                                   st["incr_hits"], st["cas_hits"], st["curr_items"],
                                                   st["total_connections"]))
    return 0


def cmd_shutdown(a):
    try:
        c = Conn(a.port, a.timeout)
        c.send(b"shutdown graceful\r\n")
        try:
            rest = c.sock.recv(4096)   # the server closes the connection
        except socket.timeout:
            rest = b"<no close within timeout>"
        c.close()
    except Exception as e:  # noqa: BLE001
        print("error: %s: %s" % (type(e).__name__, e))
        return 1
    if rest.startswith(b"ERROR") or rest.startswith(b"CLIENT_ERROR"):
        print("error: shutdown refused: %r" % rest)
        return 1
    print("ok shutdown graceful sent")
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=("wait", "ops", "stats", "shutdown"))
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--conns", type=int, default=50)
    p.add_argument("--ops", type=int, default=200)
    p.add_argument("--seed", default="event_rs")
    p.add_argument("--state", default="/dev/null")
    p.add_argument("--pid", type=int, default=0, help="wait: give up when this process exits")
    p.add_argument("--timeout", type=float, default=10.0, help="per wait, seconds")
    p.add_argument("--deadline", type=float, default=60.0, help="whole workload, seconds")
    a = p.parse_args()
    return {"wait": cmd_wait, "ops": cmd_ops, "stats": cmd_stats, "shutdown": cmd_shutdown}[a.what](a)


if __name__ == "__main__":
    sys.exit(main())
