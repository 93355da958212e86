# SPDX-License-Identifier: MIT
"""`mailtrace check` (bin/mailtrace) end to end against the loopback test servers of
tests/net/fakenet.py: reverse DNS of a forward-confirmed IP, a PTR that does not confirm,
and the SMTP banner probe.  Only 127.0.0.1 is ever contacted (--resolver names it).
Expected values are the records fakenet.py serves (its ZONE), read by hand."""
import os
import subprocess
import sys

import mtlib
from mtlib import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "net"))
import fakenet  # noqa: E402

MT = os.path.join(ROOT, "bin", "mailtrace")
check = mtlib.Checks("command_check")


def run(*args):
    p = subprocess.run([MT, *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


dns = fakenet.DnsServer("answer")
smtp = fakenet.SmtpServer("now")
try:
    R = f"127.0.0.1:{dns.port}"
    rc, out, err = run("check", "--ip", "192.0.2.10", "--resolver", R, "--csv")
    rows = [l for l in out.splitlines() if l.startswith("192.0.2.10,")]
    check("reverse_dns_confirmed", rc == 0 and len(rows) == 1 and rows[0].split(",")[1] == "mail.sender.example"
          and rows[0].split(",")[2] == "1", (rc, out, err))
    rc, out, err = run("check", "--ip", "203.0.113.99", "--resolver", R, "--csv")
    rows = [l for l in out.splitlines() if l.startswith("203.0.113.99,")]
    check("reverse_dns_not_confirmed", rc == 0 and len(rows) == 1 and rows[0].split(",")[1] == "dyn-99.isp.example"
          and rows[0].split(",")[2] == "0", (rc, out, err))
    rc, out, err = run("check", "--probe", f"127.0.0.1:{smtp.port}", "--timeout", "5", "--json")
    check("smtp_probe_banner", rc == 0 and '"banner_seconds"' in out and "220" in out, (rc, out, err))
    rc, out, err = run("check", "--csv")
    check("check_needs_a_question", rc != 0 and "--ip" in err, (rc, err))
finally:
    dns.close()
    smtp.close()

check.exit()
