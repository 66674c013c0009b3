#!/usr/bin/env python3
"""Hostile-peer harness: re-runs the five attacks of issue 8 against the built launcher.

Run from the repository root after `./mvnw -q -B package -DskipTests`:

    python3 bench/attacks/attacks.py [--only NAME] [--small]

Each attack gets a launcher of its own (java -jar launcher/target/launcher.jar on 127.0.0.1, a
fresh deploy folder and cache) and one bystander echo session on /ws that sends a small text
every 20 ms and records how long each echo took. After the attack the harness closes the
attacker's sockets and measures the launcher's open descriptors against those before the
attack, its sockets in CLOSE-WAIT, and whether a handler jar dropped into the deploy folder
then still deploys and answers. It ends with a markdown table.

Python 3 standard library only. The handler jars are compiled with the JDK's javac against the
api bundle inside launcher.jar. Not a test: it measures, it asserts nothing, and the numbers
depend on the machine's load.
"""

import argparse
import base64
import os
import re
import resource
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAUNCHER_JAR = os.path.join(ROOT, "launcher", "target", "launcher.jar")
MIB = 1024 * 1024
CLK_TCK = os.sysconf("SC_CLK_TCK")

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


# ---------------------------------------------------------------------------------------------
# RFC 6455 on a raw socket


def mask_bytes(data, key):
    """XORs data with the 4-byte key repeated (RFC 6455 5.3), fast for large payloads."""
    if key == b"\0\0\0\0" or not data:
        return bytes(data)
    n = len(data)
    k = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(k, "big")).to_bytes(n, "big")


def frame(opcode, payload=b"", fin=True, rsv1=False, key=None):
    """A masked client frame."""
    key = os.urandom(4) if key is None else key
    b0 = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", b0, 0x80 | n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", b0, 0x80 | 127, n)
    return head + key + mask_bytes(payload, key)


def parse_frames(buf, limit=None):
    """Server frames (unmasked) at the start of buf: ([(fin, rsv1, opcode, payload)], rest)."""
    out = []
    i = 0
    while limit is None or len(out) < limit:
        if len(buf) - i < 2:
            break
        b0, b1 = buf[i], buf[i + 1]
        n = b1 & 0x7F
        j = i + 2
        if n == 126:
            if len(buf) - j < 2:
                break
            n = struct.unpack_from("!H", buf, j)[0]
            j += 2
        elif n == 127:
            if len(buf) - j < 8:
                break
            n = struct.unpack_from("!Q", buf, j)[0]
            j += 8
        if b1 & 0x80:
            j += 4  # a masked server frame would be a protocol error; skip the key anyway
        if len(buf) - j < n:
            break
        out.append((bool(b0 & 0x80), bool(b0 & 0x40), b0 & 0x0F, bytes(buf[j:j + n])))
        i = j + n
    return out, bytes(buf[i:])


def close_code(payload):
    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005


class Conn:
    """One client connection: the HTTP answer to its upgrade, then frames."""

    def __init__(self, sock, status, headers, rest, error=None):
        self.sock, self.status, self.headers, self.buf, self.error = sock, status, headers, rest, error

    def send(self, data):
        self.sock.sendall(data)

    def read_frame(self, timeout):
        """The next frame, or None on timeout; raises ConnectionError on EOF."""
        deadline = time.monotonic() + timeout
        while True:
            frames, rest = parse_frames(self.buf, limit=1)
            if frames:
                self.buf = rest
                return frames[0]
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not data:
                raise ConnectionError("EOF")
            self.buf += data

    def close(self, abrupt=False):
        try:
            if abrupt:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.sock.close()
        except OSError:
            pass


def read_http_head(sock, timeout):
    """(status, headers, rest) of an HTTP answer; status is a word on failure."""
    sock.settimeout(timeout)
    buf = b""
    try:
        while b"\r\n\r\n" not in buf:
            data = sock.recv(4096)
            if not data:
                return ("eof" if not buf else "eof-in-head"), {}, b""
            buf += data
    except socket.timeout:
        return "timeout", {}, b""
    except ConnectionResetError:
        return "reset", {}, b""
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else "bad-status-line"
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return status, headers, rest


def connect(port, path="/ws", deflate=False, timeout=15.0):
    """Opens a connection and sends an upgrade request; never raises for network outcomes."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except ConnectionRefusedError:
        return Conn(None, "refused", {}, b"")
    except socket.timeout:
        return Conn(None, "connect-timeout", {}, b"")
    except OSError as e:
        return Conn(None, "connect-error", {}, b"", error=str(e))
    key = base64.b64encode(os.urandom(16)).decode()
    req = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n")
    if deflate:
        req += "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; server_no_context_takeover\r\n"
    try:
        sock.sendall((req + "\r\n").encode())
    except OSError as e:
        sock.close()
        return Conn(None, "send-error", {}, b"", error=str(e))
    status, headers, rest = read_http_head(sock, timeout)
    return Conn(sock, status, headers, rest)


def echo_once(port, path, text, timeout=10.0):
    """Sends one text on a new session and returns the answer's text, or why there is none."""
    c = connect(port, path, timeout=timeout)
    if c.status != 101:
        if c.sock:
            c.close()
        return None, f"HTTP {c.status}"
    try:
        c.send(frame(OP_TEXT, text.encode()))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            f = c.read_frame(deadline - time.monotonic())
            if f is None:
                return None, "no answer"
            if f[2] == OP_TEXT:
                c.send(frame(OP_CLOSE, struct.pack("!H", 1000)))
                return f[3].decode(), "ok"
            if f[2] == OP_CLOSE:
                return None, f"close {close_code(f[3])}"
            if f[2] == OP_PING:
                c.send(frame(OP_PONG, f[3]))
        return None, "no answer"
    except (OSError, ConnectionError) as e:
        return None, f"error {e}"
    finally:
        c.close()


# ---------------------------------------------------------------------------------------------
# The launcher and what /proc tells about it


class Launcher:
    def __init__(self, java, name, flags, xmx="1g", nofile=None):
        self.java, self.name, self.flags, self.xmx, self.nofile = java, name, flags, xmx, nofile
        self.dir = tempfile.mkdtemp(prefix=f"attacks-{name}-")
        self.deploy = os.path.join(self.dir, "deploy")
        self.cache = os.path.join(self.dir, "cache")
        self.log_path = os.path.join(self.dir, "launcher.log")
        self.proc = None
        self.port = None

    def command(self):
        cmd = [self.java, f"-Xmx{self.xmx}", "-jar", LAUNCHER_JAR, "--host", "127.0.0.1", "--port", "0",
               "--deploy", self.deploy, "--cache", self.cache] + self.flags
        if self.nofile:
            cmd = ["bash", "-c", f'ulimit -n {self.nofile} && exec "$@"', "bash"] + cmd
        return cmd

    def start(self, timeout=120):
        os.makedirs(self.deploy)
        self.logf = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.command(), stdout=self.logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.dir)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(r"Switchboard ready: ws://127\.0\.0\.1:(\d+)/", self.text())
            if m:
                self.port = int(m.group(1))
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"launcher did not start; its output:\n{self.text()}")

    @property
    def pid(self):
        return self.proc.pid  # bash exec's java, so this is java's pid either way

    def alive(self):
        return self.proc.poll() is None

    def text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def lines(self):
        return self.text().splitlines()

    def fds(self):
        try:
            return len(os.listdir(f"/proc/{self.pid}/fd"))
        except OSError:
            return None

    def cpu_ticks(self):
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15)

    def close_wait(self):
        """Sockets in CLOSE-WAIT whose local port is the launcher's (its accepted connections)."""
        count = 0
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(table) as f:
                    next(f)
                    for line in f:
                        parts = line.split()
                        if parts[3] == "08" and int(parts[1].rsplit(":", 1)[1], 16) == self.port:
                            count += 1
            except OSError:
                pass
        return count

    def drop(self, name, content):
        """Puts a jar into the deploy folder at once: written beside it, then renamed."""
        tmp = os.path.join(self.deploy, name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(content)
        os.replace(tmp, os.path.join(self.deploy, name))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.logf.close()


def wait_for(condition, timeout, step=0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


# ---------------------------------------------------------------------------------------------
# Handler bundles


ACTIVATOR = """
package attackbundle;

import io.switchboard.api.Message;
import io.switchboard.api.WebSocketHandler;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** Serves the path in header X-Attack-Path, answering each text with X-Attack-Reply + text. */
public class Activator implements BundleActivator {
    public void start(BundleContext context) {
        Dictionary<String, String> h = context.getBundle().getHeaders();
        if ("true".equals(h.get("X-Attack-Throws"))) {
            throw new IllegalStateException("activator fails on purpose (attack harness)");
        }
        String reply = h.get("X-Attack-Reply");
        WebSocketHandler handler = (request, ws) -> {
            Message m;
            while ((m = ws.read()) != null) {
                if (m instanceof Message.Text t) {
                    ws.send(reply + t.text());
                }
            }
        };
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(WebSocketHandler.PATH_PROPERTY, h.get("X-Attack-Path"));
        context.registerService(WebSocketHandler.class, handler, p);
    }

    public void stop(BundleContext context) {
    }
}
"""


class Bundles:
    """Handler jars: one activator class compiled once, path and reply set in the manifest."""

    def __init__(self, javac, work):
        self.work = work
        api = os.path.join(work, "switchboard-api.jar")
        with zipfile.ZipFile(LAUNCHER_JAR) as z, open(api, "wb") as f:
            f.write(z.read("bundles/switchboard-api.jar"))
        src = os.path.join(work, "src", "attackbundle")
        os.makedirs(src)
        with open(os.path.join(src, "Activator.java"), "w") as f:
            f.write(ACTIVATOR)
        out = os.path.join(work, "classes")
        subprocess.run([javac, "--release", "21", "-proc:none", "-nowarn", "-cp", api + os.pathsep + LAUNCHER_JAR,
                        "-d", out, os.path.join(src, "Activator.java")], check=True)
        self.classes = {}
        for dirpath, _, files in os.walk(out):
            for name in files:
                full = os.path.join(dirpath, name)
                with open(full, "rb") as f:
                    self.classes[os.path.relpath(full, out).replace(os.sep, "/")] = f.read()

    def jar(self, symbolic_name, version, path, reply, throws=False):
        manifest = ("Manifest-Version: 1.0\r\nBundle-ManifestVersion: 2\r\n"
                    f"Bundle-SymbolicName: {symbolic_name}\r\nBundle-Version: {version}\r\n"
                    "Bundle-Activator: attackbundle.Activator\r\n"
                    "Import-Package: io.switchboard.api;version=\"[1.0,2)\",org.osgi.framework\r\n"
                    f"X-Attack-Path: {path}\r\nX-Attack-Reply: {reply}\r\n"
                    f"X-Attack-Throws: {'true' if throws else 'false'}\r\n\r\n")
        path_ = os.path.join(self.work, f"{symbolic_name}-{version}-{os.urandom(4).hex()}.jar")
        with zipfile.ZipFile(path_, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("META-INF/MANIFEST.MF", manifest)
            for name, data in sorted(self.classes.items()):
                z.writestr(name, data)
        with open(path_, "rb") as f:
            return f.read()


# ---------------------------------------------------------------------------------------------
# The bystander


class Bystander(threading.Thread):
    """One echo session on /ws: a small text every 20 ms, the echo delay of each recorded."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.lock = threading.Lock()
        self.window_max = 0.0
        self.sent_at = None  # when the text now waiting for its echo was sent
        self.echoes = 0
        self.failure = None
        self.stopping = False
        self.conn = connect(port, "/ws")
        if self.conn.status != 101:
            raise RuntimeError(f"bystander could not connect: HTTP {self.conn.status}")

    def run(self):
        seq = 0
        try:
            while not self.stopping:
                seq += 1
                text = f"bystander {seq}".encode()
                t0 = time.monotonic()
                with self.lock:
                    self.sent_at = t0
                self.conn.send(frame(OP_TEXT, text))
                while not self.stopping:
                    f = self.conn.read_frame(0.5)
                    if f is None:
                        continue
                    if f[2] == OP_PING:
                        self.conn.send(frame(OP_PONG, f[3]))
                    elif f[2] == OP_CLOSE:
                        raise ConnectionError(f"closed by the server with {close_code(f[3])}")
                    elif f[2] == OP_TEXT and f[3] == text:
                        break
                delay = time.monotonic() - t0
                with self.lock:
                    self.sent_at = None
                    self.echoes += 1
                    self.window_max = max(self.window_max, delay)
                pause = t0 + 0.020 - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
        except (OSError, ConnectionError) as e:
            with self.lock:
                self.failure = f"{type(e).__name__}: {e}"

    def reset(self):
        with self.lock:
            self.window_max = 0.0
            self.echoes = 0

    def max_delay(self):
        """The longest echo since reset(), counting one still awaited."""
        with self.lock:
            waiting = time.monotonic() - self.sent_at if self.sent_at is not None else 0.0
            return max(self.window_max, waiting), self.echoes, self.failure

    def stop(self):
        self.stopping = True
        self.join(5)
        self.conn.close()


# ---------------------------------------------------------------------------------------------
# The attacks; each returns (what the attacker got, notes) and leaves no attacker socket open


def collect_answers(conns, seconds):
    """Reads every connection for `seconds`: per connection the close code, or why none."""
    outcome = {id(c): "open, no answer" for c in conns}
    bufs = {id(c): c.buf for c in conns}
    sel = selectors.DefaultSelector()
    for c in conns:
        c.sock.setblocking(False)
        sel.register(c.sock, selectors.EVENT_READ, c)
    deadline = time.monotonic() + seconds
    while sel.get_map() and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=max(0.0, deadline - time.monotonic())):
            c = key.data
            try:
                data = c.sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError as e:
                if outcome[id(c)] == "open, no answer":
                    outcome[id(c)] = f"{type(e).__name__} without a close frame"
                sel.unregister(c.sock)
                continue
            if not data:
                if outcome[id(c)] == "open, no answer":
                    outcome[id(c)] = "EOF without a close frame"
                sel.unregister(c.sock)
                continue
            bufs[id(c)] += data
            frames, bufs[id(c)] = parse_frames(bufs[id(c)])
            for f in frames:
                if f[2] == OP_CLOSE and outcome[id(c)] == "open, no answer":
                    outcome[id(c)] = f"close {close_code(f[3])}"
    sel.close()
    for c in conns:
        c.sock.setblocking(True)
    return outcome


def tally(values):
    counts = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return ", ".join(f"{k} ×{n}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))


def attack_memory(ctx, launcher, compressed, connections, size):
    """Issue 8 #1: unfinished messages held by many connections."""
    zeros = bytes(size)
    key = os.urandom(4)
    if compressed:
        d = zlib.compressobj(9, zlib.DEFLATED, -15)
        payload = d.compress(zeros) + d.flush(zlib.Z_SYNC_FLUSH)
        assert payload.endswith(b"\x00\x00\xff\xff")
        payload = payload[:-4]
        data = frame(OP_BINARY, payload, fin=False, rsv1=True, key=key)
    else:
        data = frame(OP_BINARY, zeros, fin=False, key=key)
    log(f"  {connections} connections, each one first fragment of {len(data)} bytes"
        f" ({'compressed, inflates to' if compressed else 'raw,'} {size // MIB} MiB), never finished")
    conns, results = [], []
    t0 = time.monotonic()
    for i in range(connections):
        c = connect(launcher.port, "/ws", deflate=compressed)
        if c.status != 101:
            results.append(f"HTTP {c.status}")
            if c.sock:
                c.close()
            continue
        if compressed and not any("permessage-deflate" in v for v in c.headers.get("sec-websocket-extensions", [])):
            results.append("no permessage-deflate")
            c.close()
            continue
        try:
            c.sock.settimeout(60)
            c.send(data)
        except socket.timeout:
            results.append("send blocked 60 s")
            c.close(abrupt=True)
            continue
        except OSError as e:
            # the server closed while we were still sending: read what it said
            pass
        conns.append(c)
    log(f"  sent in {time.monotonic() - t0:.1f} s; reading the answers for 5 s")
    outcome = collect_answers(conns, 5.0)
    results += list(outcome.values())
    held = sum(1 for v in outcome.values() if v == "open, no answer")
    oom = "OutOfMemoryError" in launcher.text()
    by_delay, _, _ = ctx.bystander.max_delay()
    # the held ones keep their memory while the bystander goes on; then all leave at once, abruptly
    for c in conns:
        c.close(abrupt=False)
    # a full-size message afterwards shows whether the budget was given back
    after = big_message_echo(launcher.port, size)
    got = (f"{tally(results)}; launcher {'up' if launcher.alive() else 'DEAD'}"
           f"{', OutOfMemoryError in its output' if oom else ', no OutOfMemoryError'}")
    notes = [f"{held} sessions held a {size // MIB} MiB unfinished message at once (within the budget)",
             f"bystander max delay while all were held: {by_delay * 1000:.0f} ms",
             f"after the attackers left, one complete {size // MIB} MiB message on a new session: {after}"]
    return got, notes


def big_message_echo(port, size):
    c = connect(port, "/ws")
    if c.status != 101:
        return f"HTTP {c.status}"
    try:
        c.sock.settimeout(60)
        payload = os.urandom(1024) * (size // 1024)
        c.send(frame(OP_BINARY, payload))
        deadline = time.monotonic() + 60
        got = b""
        while time.monotonic() < deadline:
            f = c.read_frame(deadline - time.monotonic())
            if f is None:
                return "no answer in 60 s"
            if f[2] == OP_CLOSE:
                return f"close {close_code(f[3])}"
            if f[2] in (OP_BINARY, OP_CONT):
                got += f[3]
                if f[0]:
                    break
        c.send(frame(OP_CLOSE, struct.pack("!H", 1000)))
        return "echoed" if got == payload else f"wrong echo ({len(got)} bytes)"
    except (OSError, ConnectionError) as e:
        return f"error {e}"
    finally:
        c.close()


def attack_rollback(ctx, launcher):
    """Issue 8 #2: a bad update, then the good jar back, touch, and a newer good jar."""
    b = ctx.bundles
    good1 = b.jar("attack.app", "1.0.0", "/app", "v1:")
    bad = b.jar("attack.app", "2.0.0", "/app", "bad:", throws=True)
    good2 = b.jar("attack.app", "3.0.0", "/app", "v3:")
    steps = []

    def serving(expect, timeout=30):
        def probe():
            text, why = echo_once(launcher.port, "/app", "x", timeout=5)
            return text if text == expect + "x" else None
        return wait_for(probe, timeout, step=0.3) is not None

    launcher.drop("app.jar", good1)
    steps.append(f"v1 deployed: {'yes' if serving('v1:') else 'NO'}")
    held = connect(launcher.port, "/app")  # a user of /app whose session spans the bad update
    bad_dropped = time.monotonic()

    mark = len(launcher.lines())
    answers = []
    launcher.drop("app.jar", bad)
    deadline = time.monotonic() + 15
    error_line = None
    while time.monotonic() < deadline:
        text, why = echo_once(launcher.port, "/app", "x", timeout=5)
        answers.append(text[:3] if text else why)
        errors = [l for l in launcher.lines()[mark:] if " ERROR " in l and "app.jar" in l]
        if errors and error_line is None:
            error_line = errors[0]
            deadline = min(deadline, time.monotonic() + 2)  # probe a little longer after it
        time.sleep(0.05)
    steps.append(f"bad jar (activator throws): /app answered {tally(answers)} over {len(answers)} probes")
    steps.append("ERROR line: " + (error_line.split(" ", 3)[-1] if error_line else "NONE"))

    mark = len(launcher.lines())
    launcher.drop("app.jar", good1)
    ok = serving("v1:")
    time.sleep(2)
    said = [l.split(" ", 3)[-1] for l in launcher.lines()[mark:] if "app.jar" in l]
    steps.append(f"good v1 copied back: serves v1 {'yes' if ok else 'NO'}; log: {said or 'nothing'}")

    mark = len(launcher.lines())
    os.utime(os.path.join(launcher.deploy, "app.jar"))
    time.sleep(2)
    ok = serving("v1:")
    said = [l.split(" ", 3)[-1] for l in launcher.lines()[mark:] if "app.jar" in l]
    steps.append(f"touch: serves v1 {'yes' if ok else 'NO'}; log: {said or 'nothing'}")

    # the held session, past the drain timeout (30 s) counted from the bad update
    time.sleep(max(0.0, bad_dropped + 33 - time.monotonic()))
    held_result = held_session_says(held, "v1:")
    steps.append("session opened on v1 before the bad update, 33 s later: " + held_result)
    held.close()

    launcher.drop("app.jar", bad)
    time.sleep(3)
    launcher.drop("app.jar", good2)
    ok = serving("v3:")
    steps.append(f"bad again, then good v3: serves v3 {'yes' if ok else 'NO'}")

    bad_answers = [a for a in answers if a != "v1:"]
    got = (f"path kept serving v1 during the bad update ({len(answers) - len(bad_answers)}/{len(answers)} probes"
           f"{', others: ' + tally(bad_answers) if bad_answers else ''}); good jar back: "
           f"{'deployed' if 'serves v1 yes' in steps[3] else 'NOT deployed'}; v3 after: "
           f"{'deployed' if ok else 'NOT deployed'}; a v1 session open across the bad update, 33 s later: {held_result}")
    return got, steps


def held_session_says(conn, prefix):
    if conn.status != 101:
        return f"never opened (HTTP {conn.status})"
    try:
        conn.send(frame(OP_TEXT, b"still there?"))
        while True:
            f = conn.read_frame(10)
            if f is None:
                return "no answer in 10 s"
            if f[2] == OP_CLOSE:
                return f"closed with {close_code(f[3])} ({f[3][2:].decode('utf-8', 'replace')})"
            if f[2] == OP_PING:
                conn.send(frame(OP_PONG, f[3]))
            elif f[2] == OP_TEXT:
                text = f[3].decode("utf-8", "replace")
                return f"answers {text!r}" + ("" if text.startswith(prefix) else " (NOT the old revision)")
    except (OSError, ConnectionError) as e:
        return f"dropped ({type(e).__name__}: {e})"


def attack_descriptors(ctx, launcher, max_connections):
    """Issue 8 #3: connections until the descriptor limit, then a jar dropped at the limit."""
    conns, answers = [], []
    retry_after = set()
    consecutive_refusals = 0
    t0 = time.monotonic()
    fds0 = launcher.fds()
    while len(answers) < max_connections and consecutive_refusals < 30:
        c = connect(launcher.port, "/ws", timeout=15)
        answers.append(c.status)
        if c.status == 101:
            conns.append(c)
            consecutive_refusals = 0
        else:
            consecutive_refusals += 1
            if c.status == 503:
                retry_after.update(c.headers.get("retry-after", ["(none)"]))
            if c.sock:
                c.close()
        if answers[-1] in ("timeout", "connect-timeout") and answers.count("timeout") + answers.count("connect-timeout") >= 5:
            break
    peak_fds = launcher.fds()
    log(f"  {len(answers)} handshakes in {time.monotonic() - t0:.1f} s: {tally(answers)}; launcher fds {fds0} -> {peak_fds}")
    # a jar dropped while every session slot is taken
    mark = len(launcher.lines())
    launcher.drop("at-limit.jar", ctx.bundles.jar("attack.atlimit", "1.0.0", "/atlimit", "limit:"))
    installed = wait_for(lambda: any("at-limit.jar" in l and "installed" in l for l in launcher.lines()[mark:]), 30)
    scan_warnings = [l for l in launcher.lines() if " WARNING " in l and ("deploy" in l.lower() or ".jar" in l)]
    all_warnings = [l for l in launcher.lines() if " WARNING " in l and "sun.misc.Unsafe" not in l
                    and not l.startswith("WARNING:")]
    # one more upgrade at the limit: an answer, not a hang
    extra = connect(launcher.port, "/ws", timeout=15)
    extra_status = extra.status
    if extra.sock:
        extra.close()
    for c in conns:
        c.close()
    served = wait_for(lambda: echo_once(launcher.port, "/atlimit", "x", timeout=5)[0] == "limit:x", 30)
    timeouts = sum(1 for a in answers if a in ("timeout", "connect-timeout"))
    got = (f"{tally(answers)} (Retry-After: {', '.join(sorted(retry_after)) or '-'}); "
           f"{timeouts} left without an answer; one more at the limit: {extra_status}; "
           f"jar dropped at the limit: {'installed' if installed else 'NOT installed'}, "
           f"serves once sessions ended: {'yes' if served else 'NO'}; "
           f"deploy-scan warnings: {len(scan_warnings)}")
    notes = [f"launcher descriptors {fds0} before, {peak_fds} at the limit",
             f"WARNING lines in the log (all): {len(all_warnings)}"] + [f"  {l}" for l in all_warnings[:5]]
    return got, notes


def attack_pings(ctx, launcher, limit_seconds):
    """Issue 8 #4: pings as fast as possible, never reading."""
    c = connect(launcher.port, "/ws")
    if c.status != 101:
        return f"HTTP {c.status}", []
    burst = frame(OP_PING, b"", key=b"\x01\x02\x03\x04") * 1000
    c.sock.settimeout(0.2)
    pending, sent_bytes = burst, 0
    close_seen = None
    ended = None
    t0 = time.monotonic()
    cpu0 = launcher.cpu_ticks()
    last_peek = 0.0
    while True:
        now = time.monotonic()
        if now - t0 > limit_seconds:
            ended = f"still open after {limit_seconds} s"
            break
        try:
            n = c.sock.send(pending)  # keeps frames whole across partial sends
            sent_bytes += n
            pending = pending[n:] or burst
        except socket.timeout:
            pass
        except OSError as e:
            ended = f"dropped ({type(e).__name__}) after {now - t0:.2f} s"
            break
        if close_seen is None and now - last_peek > 0.05:
            last_peek = now
            try:
                peek = c.sock.recv(1 << 20, socket.MSG_PEEK | socket.MSG_DONTWAIT)
                frames, _ = parse_frames(peek)
                for f in frames:
                    if f[2] == OP_CLOSE:
                        close_seen = (now - t0, close_code(f[3]), f[3][2:].decode("utf-8", "replace"))
            except (BlockingIOError, socket.timeout):
                pass
            except OSError:
                pass
    elapsed = time.monotonic() - t0
    try:
        cpu = (launcher.cpu_ticks() - cpu0) / CLK_TCK / elapsed * 100
    except OSError:
        cpu = float("nan")
    # what was waiting in our receive buffer, read only now
    pongs = 0
    try:
        c.sock.settimeout(1.0)
        buf = b""
        while True:
            data = c.sock.recv(1 << 20)
            if not data:
                break
            buf += data
    except OSError:
        pass
    frames, _ = parse_frames(buf)
    for f in frames:
        if f[2] == OP_PONG:
            pongs += 1
        if f[2] == OP_CLOSE and close_seen is None:
            close_seen = (None, close_code(f[3]), f[3][2:].decode("utf-8", "replace"))
    c.close()
    close_text = (f"close {close_seen[1]} ({close_seen[2]})"
                  + (f" after {close_seen[0]:.2f} s" if close_seen[0] is not None else "")) if close_seen else "no close frame"
    got = f"{close_text}; connection {ended}; launcher CPU {cpu:.0f}% of one core meanwhile"
    notes = [f"{sent_bytes // 6} pings sent, {pongs} pongs and the close frame waited unread in the receive buffer"]
    return got, notes


def attack_log_flood(ctx, launcher, requests, concurrency):
    """Issue 8 #5: bad requests from a few connections at a time; count the log lines."""
    bad = [b"GET /ws HTTP/1.1\r\nHost: x\r\n\r\n",                 # no upgrade headers: 426
           b"\x16\x03\x01 not an HTTP request at all\r\n\r\n"]   # garbage: 400
    statuses = []
    lock = threading.Lock()
    counter = [0]

    def worker():
        mine = []
        while True:
            with lock:
                if counter[0] >= requests:
                    break
                i = counter[0]
                counter[0] += 1
            try:
                s = socket.create_connection(("127.0.0.1", launcher.port), timeout=15)
            except OSError as e:
                mine.append(type(e).__name__)
                continue
            try:
                s.sendall(bad[i % 2])
                status, _, _ = read_http_head(s, 15)
                # the server closes after the answer: wait for it, so TIME_WAIT stays on its side
                s.settimeout(15)
                while s.recv(4096):
                    pass
            except OSError as e:
                status = type(e).__name__
            finally:
                s.close()
            mine.append(status)
        with lock:
            statuses.extend(mine)

    mark = len(launcher.lines())
    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - t0
    log(f"  {requests} bad requests in {took:.1f} s; waiting 11 s for the summary line")
    time.sleep(11)
    written = launcher.lines()[mark:]
    got = f"{tally(statuses)} in {took:.1f} s; {len(written)} log lines written"
    return got, []


# ---------------------------------------------------------------------------------------------
# Running one attack: launcher, bystander, attack, aftermath


class Context:
    pass


def run_attack(ctx, name, flags, body, nofile=None):
    log(f"== {name}: launcher flags {' '.join(flags) or '(defaults)'} -Xmx{ctx.xmx}"
        + (f", ulimit -n {nofile}" if nofile else ""))
    launcher = Launcher(ctx.java, name, flags, xmx=ctx.xmx, nofile=nofile).start()
    row = {"attack": name}
    try:
        ctx.bystander = Bystander(launcher.port)
        ctx.bystander.start()
        time.sleep(1.0)
        fds_before = launcher.fds()
        ctx.bystander.reset()
        mark = len(launcher.lines())
        got, notes = body(launcher)
        ended = time.monotonic()
        by_delay, echoes, failure = ctx.bystander.max_delay()
        row["got"] = got
        row["bystander"] = (f"{by_delay * 1000:.0f} ms ({echoes} echoes)"
                            + (f"; bystander FAILED: {failure}" if failure else ""))
        # aftermath: give the server a moment to close what the attackers left
        settle = time.monotonic()
        wait_for(lambda: launcher.close_wait() == 0 and (launcher.fds() or 0) <= fds_before + 2, 20, step=0.5)
        fds_after = launcher.fds()
        cw = launcher.close_wait()
        settled_in = time.monotonic() - settle
        row["fds"] = f"{fds_before} / {fds_after}"
        row["closewait"] = str(cw)
        # incidents are summed into one INFO line at most every 10 s: wait for the last one
        time.sleep(max(0.0, ended + 11 - time.monotonic()))
        written = launcher.lines()[mark:]
        tag = re.sub(r"[^a-z0-9]", "", name.lower())
        launcher.drop(f"after-{tag}.jar", ctx.bundles.jar(f"attack.after.{tag}", "1.0.0", f"/after-{tag}", "after:"))
        t0 = time.monotonic()
        ok = wait_for(lambda: echo_once(launcher.port, f"/after-{tag}", "x", timeout=5)[0] == "after:x", 30, step=0.3)
        row["jar"] = f"yes ({time.monotonic() - t0:.1f} s)" if ok else "NO (30 s)"
        alive = launcher.alive()
        oom = "OutOfMemoryError" in launcher.text()
        notes = list(notes) + [f"launcher alive at the end: {alive}; OutOfMemoryError in its output: {oom}",
                               f"descriptors/CLOSE-WAIT measured {settled_in:.1f} s after the attack",
                               f"log lines written from the attack's start to 11 s after its end: {len(written)}"]
        notes += [f"  | {l[:220]}" for l in written[:12]]
        if len(written) > 12:
            notes.append(f"  | ... {len(written) - 12} more")
        row["notes"] = notes
        log(f"  attacker got: {got}")
        log(f"  bystander max echo delay: {row['bystander']}")
        log(f"  fds before/after: {row['fds']}, CLOSE-WAIT after: {cw}, jar deploys after: {row['jar']}")
        for n in notes:
            log(f"  {n}")
    except Exception as e:  # report and go on with the next attack
        row.setdefault("got", f"HARNESS ERROR {type(e).__name__}: {e}")
        row.setdefault("notes", [])
        log(f"  harness error: {type(e).__name__}: {e}")
    finally:
        if getattr(ctx, "bystander", None):
            ctx.bystander.stop()
            ctx.bystander = None
        if not launcher.alive():
            row["got"] = row.get("got", "") + f" — LAUNCHER EXITED (code {launcher.proc.returncode})"
        launcher.stop()
        row["log"] = launcher.log_path
        if not ctx.keep:
            shutil.rmtree(launcher.dir, ignore_errors=True)
    return row


def find_java():
    try:
        home = subprocess.run([os.path.join(ROOT, "bin", "find-jdk"), "21"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        home = "/usr/lib/jvm/temurin-25-jdk-amd64"
    return os.path.join(home, "bin", "java"), os.path.join(home, "bin", "javac")


def main():
    names = ["memory-deflate", "memory-plain", "rollback", "descriptors", "pings", "logs"]
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", choices=names, action="append", help="run only this attack (repeatable)")
    p.add_argument("--small", action="store_true", help="a quick smoke run at small scale")
    p.add_argument("--keep", action="store_true", help="keep the launchers' folders and logs")
    p.add_argument("--xmx", default="1g", help="launcher heap (default 1g: the inbound budget is a quarter)")
    a = p.parse_args()
    if not os.path.exists(LAUNCHER_JAR):
        sys.exit("build first: ./mvnw -q -B package -DskipTests")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    ctx = Context()
    ctx.java, javac = find_java()
    ctx.xmx = a.xmx
    ctx.keep = a.keep
    ctx.bystander = None
    work = tempfile.mkdtemp(prefix="attacks-bundles-")
    ctx.bundles = Bundles(javac, work)

    deflate_n = 40 if a.small else 304
    plain_n, plain_budget = (8, "64MiB") if a.small else (40, "256MiB")
    bad_requests = 2000 if a.small else 20000
    log(f"java {ctx.java}; load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f};"
        f" {os.cpu_count()} cores")

    plan = {
        "memory-deflate": (["--compression", "true"], None,
                           lambda l: attack_memory(ctx, l, True, deflate_n, 16 * MIB)),
        "memory-plain": (["--max-inbound-memory", plain_budget], None,
                         lambda l: attack_memory(ctx, l, False, plain_n, 16 * MIB)),
        "rollback": ([], None, lambda l: attack_rollback(ctx, l)),
        "descriptors": ([], 512, lambda l: attack_descriptors(ctx, l, 700)),
        "pings": ([], None, lambda l: attack_pings(ctx, l, 60)),
        "logs": ([], None, lambda l: attack_log_flood(ctx, l, bad_requests, 8)),
    }
    rows = []
    loads = [os.getloadavg()[0]]
    for name in names:
        if a.only and name not in a.only:
            continue
        flags, nofile, body = plan[name]
        rows.append(run_attack(ctx, name, flags, body, nofile=nofile))
        loads.append(os.getloadavg()[0])
    shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"load average (1 min) during the run: {min(loads):.1f} to {max(loads):.1f} on {os.cpu_count()} cores")
    print()
    print("| attack | attacker got | bystander max echo delay | fds before/after | CLOSE-WAIT after | jar deploys after |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['attack']} | {r.get('got', '')} | {r.get('bystander', '-')} | {r.get('fds', '-')} | "
              f"{r.get('closewait', '-')} | {r.get('jar', '-')} |")
    if a.keep:
        print()
        for r in rows:
            print(f"log of {r['attack']}: {r['log']}")


if __name__ == "__main__":
    main()
