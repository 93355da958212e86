# SPDX-License-Identifier: MIT
"""fakenet.py — loopback-only DNS and SMTP servers for the live-check tests
(tests/test_checks.py) and for the real outputs in docs/checks.md.

Everything binds 127.0.0.1 on a port the kernel picks; nothing here ever
talks to another address.

  DnsServer(mode)   mode "answer": the zone below; "silent": reads queries and
                    never answers (the time-out path); "servfail": rcode 2 to
                    everything.  UDP and TCP on the same port.
  SmtpServer(mode)  "now": banner at once; "delay": banner after `delay`
                    seconds; "never": accepts and says nothing; "reject": a 554
                    banner; "close": accepts and closes.  EHLO gets a
                    multi-line 250, QUIT 221, anything else 502.
                    DnsServer("noedns"): the zone, but FORMERR to any query
                    carrying an EDNS0 OPT record (an old server).

Run it alone to keep a set of servers up (for trying the functions by hand):
  python3 tests/net/fakenet.py [DNS_PORT SMTP_PORT]
prints the ports and runs until Ctrl-C.  With ports: the DNS servers on
DNS_PORT (answers), +1 (silent), +2 (SERVFAIL); the SMTP listeners on
SMTP_PORT (banner at once), +1 (after 3 s), +2 (never), +3 (554).
"""
import sys
import socket
import struct
import threading
import time

A, NS, CNAME, PTR, MX, AAAA = 1, 2, 5, 12, 15, 28

# The zone: (name, type) -> list of record data.  Names are lower case, no dot.
ZONE = {
    # forward-confirmed: PTR and A agree
    ("10.2.0.192.in-addr.arpa", PTR): ["mail.sender.example"],
    ("mail.sender.example", A): ["192.0.2.10"],
    # a PTR whose name points elsewhere: not forward-confirmed
    ("99.113.0.203.in-addr.arpa", PTR): ["dyn-99.isp.example"],
    ("dyn-99.isp.example", A): ["198.51.100.99"],
    # two names, one confirmed
    ("20.2.0.192.in-addr.arpa", PTR): ["old.sender.example", "smtp.sender.example"],
    ("old.sender.example", A): ["192.0.2.21"],
    ("smtp.sender.example", A): ["192.0.2.20"],
    # a PTR whose forward lookup fails (the server answers SERVFAIL for it)
    ("30.2.0.192.in-addr.arpa", PTR): ["broken.sender.example"],
    # RFC 2317 classless delegation: a CNAME to the real PTR
    ("40.2.0.192.in-addr.arpa", CNAME): ["40.0-25.2.0.192.in-addr.arpa"],
    ("40.0-25.2.0.192.in-addr.arpa", PTR): ["relay.sender.example"],
    ("relay.sender.example", A): ["192.0.2.40"],
    # answered truncated over UDP: the client must ask again over TCP
    ("50.2.0.192.in-addr.arpa", PTR): ["big-%02d.sender.example" % i for i in range(12)],
    ("big-07.sender.example", A): ["192.0.2.50"],
    # IPv6
    ("5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", PTR): ["mail6.sender.example"],
    ("mail6.sender.example", AAAA): ["2001:db8::25"],
    # MX: two hosts, one of them also a sending IP in tests/data/esa1
    ("sender.example", MX): [(10, "mx1.sender.example"), (20, "mx2.sender.example")],
    ("mx1.sender.example", A): ["192.0.2.10"],
    ("mx2.sender.example", A): ["192.0.2.11"],
    ("mx2.sender.example", AAAA): ["2001:db8::11"],
    # a null MX (RFC 7505) and a domain without MX (mail goes to its A)
    ("nullmx.example", MX): [(0, "")],
    ("nomx.example", A): ["192.0.2.99"],
    # an MX whose host does not exist
    ("dangling.example", MX): [(5, "gone.dangling.example")],
    # a host name for smtp_probe
    ("smtp.test.example", A): ["127.0.0.1"],
}
SERVFAIL_NAMES = {"broken.sender.example"}
TRUNCATE_NAMES = {"50.2.0.192.in-addr.arpa"}
# names that exist (NODATA rather than NXDOMAIN for other types)
EXISTS = {n for (n, _t) in ZONE} | {"sender.example"}


def _name(buf, pos):
    labels = []
    while True:
        n = buf[pos]
        if n == 0:
            return ".".join(labels), pos + 1
        if n & 0xC0:
            raise ValueError("compressed name in a query")
        labels.append(buf[pos + 1:pos + 1 + n].decode("ascii", "replace"))
        pos += 1 + n


def _enc(name):
    out = b""
    for label in name.split(".") if name else []:
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def _rdata(t, d):
    if t == A:
        return socket.inet_pton(socket.AF_INET, d)
    if t == AAAA:
        return socket.inet_pton(socket.AF_INET6, d)
    if t == MX:
        return struct.pack(">H", d[0]) + _enc(d[1])
    return _enc(d)


def answer(query, tcp=False, mode="answer"):
    """The reply to one query (bytes), or None to stay silent."""
    if mode == "silent":
        return None
    qid, flags = struct.unpack(">HH", query[:4])
    if mode == "noedns" and struct.unpack(">H", query[10:12])[0] > 0:
        # an old server: FORMERR to a query with an additional record (EDNS0 OPT), no question echoed
        return struct.pack(">HHHHHH", qid, 0x8000 | (flags & 0x0100) | 1, 0, 0, 0, 0)
    qname, pos = _name(query, 12)
    qtype, qclass = struct.unpack(">HH", query[pos:pos + 4])
    question = query[12:pos + 4]
    key = qname.lower().rstrip(".")
    rcode, tc, records = 0, 0, []
    if mode == "servfail" or key in SERVFAIL_NAMES:
        rcode = 2
    else:
        cur = key
        for _ in range(8):                     # follow CNAMEs inside the zone
            if (cur, qtype) in ZONE:
                records += [(cur, qtype, d) for d in ZONE[(cur, qtype)]]
                break
            if (cur, CNAME) in ZONE and qtype != CNAME:
                target = ZONE[(cur, CNAME)][0]
                records.append((cur, CNAME, target))
                cur = target
                continue
            break
        if not records and key not in EXISTS:
            rcode = 3
        if key in TRUNCATE_NAMES and not tcp:
            tc, records = 1, []
    head = struct.pack(">HHHHHH", qid, 0x8000 | (flags & 0x0100) | 0x0080 | (tc << 9) | rcode,
                       1, len(records), 0, 0)
    body = b"".join(_enc(n) + struct.pack(">HHIH", t, 1, 300, len(_rdata(t, d))) + _rdata(t, d)
                    for (n, t, d) in records)
    return head + question + body


class DnsServer:
    def __init__(self, mode="answer", port=0):
        self.mode = mode
        self.queries = []                       # (transport, name, type)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", port))
        self.port = self.udp.getsockname()[1]
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(("127.0.0.1", self.port))
        self.tcp.listen(8)
        self.stop = False
        for target in (self._udp_loop, self._tcp_loop):
            threading.Thread(target=target, daemon=True).start()

    def _note(self, how, q):
        try:
            name, pos = _name(q, 12)
            self.queries.append((how, name, struct.unpack(">H", q[pos:pos + 2])[0]))
        except Exception:
            self.queries.append((how, "?", 0))

    def _udp_loop(self):
        while not self.stop:
            try:
                q, peer = self.udp.recvfrom(4096)
            except OSError:
                return
            self._note("udp", q)
            r = answer(q, False, self.mode)
            if r is not None:
                self.udp.sendto(r, peer)

    def _tcp_loop(self):
        while not self.stop:
            try:
                c, _ = self.tcp.accept()
            except OSError:
                return
            with c:
                try:
                    n = struct.unpack(">H", c.recv(2))[0]
                    q = b""
                    while len(q) < n:
                        q += c.recv(n - len(q))
                    self._note("tcp", q)
                    r = answer(q, True, self.mode)
                    if r is not None:
                        c.sendall(struct.pack(">H", len(r)) + r)
                except Exception:
                    pass

    def close(self):
        self.stop = True
        self.udp.close()
        self.tcp.close()


class SmtpServer:
    def __init__(self, mode="now", delay=1.0, port=0):
        self.mode, self.delay = mode, delay
        self.commands = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(c,), daemon=True).start()

    def _session(self, c):
        with c:
            try:
                if self.mode == "close":
                    return
                if self.mode == "never":
                    c.settimeout(120)
                    while c.recv(512):
                        pass
                    return
                if self.mode == "delay":
                    time.sleep(self.delay)
                if self.mode == "reject":
                    c.sendall(b"554 esa.test.example Access denied\r\n")
                else:
                    c.sendall(b"220-esa.test.example ESMTP\r\n220 mailtrace test listener\r\n")
                buf = b""
                c.settimeout(30)
                while True:
                    data = c.recv(512)
                    if not data:
                        return
                    buf += data
                    while b"\r\n" in buf:
                        line, buf = buf.split(b"\r\n", 1)
                        cmd = line.decode("ascii", "replace")
                        self.commands.append(cmd)
                        verb = cmd.split(" ")[0].upper()
                        if verb == "EHLO":
                            c.sendall(b"250-esa.test.example\r\n250-8BITMIME\r\n250-SIZE 10485760\r\n250 STARTTLS\r\n")
                        elif verb == "QUIT":
                            c.sendall(b"221 esa.test.example closing\r\n")
                            return
                        else:
                            c.sendall(b"502 not in this test\r\n")
            except OSError:
                return

    def close(self):
        self.sock.close()


if __name__ == "__main__":
    d = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    servers = {"dns": DnsServer("answer", d), "dns_silent": DnsServer("silent", d and d + 1),
               "dns_servfail": DnsServer("servfail", d and d + 2),
               "smtp_now": SmtpServer("now", 0, m), "smtp_delay": SmtpServer("delay", 3.0, m and m + 1),
               "smtp_never": SmtpServer("never", 0, m and m + 2), "smtp_reject": SmtpServer("reject", 0, m and m + 3)}
    for k, s in servers.items():
        print(f"{k} 127.0.0.1:{s.port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
