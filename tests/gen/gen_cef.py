#!/usr/bin/env python3
"""gen_cef.py — a generated log set with BOTH mail_logs and the Consolidated
Event Log (CEF) for the same messages, and the truth about each message.

    python3 tests/gen/gen_cef.py DIR [N] [SEED]     # writes DIR/esa1/mail.current,
                                                # DIR/esa1/consolidated_event.current
                                                # and DIR/truth.json

Both files are syslog streams of host esa1 (tags mail_logs and
consolidated_event), in the shapes of the public samples (docs/format.md §8.7
for CEF: no level, values with spaces, a double space, quoted msg=).  Every
message gets its mail_logs lines; most also get one CEF line written when the
message ends (some an interim line and a duplicate too).  Some messages are in
one log only.  A few carry a PLANTED disagreement (CEF says delivered but a
text bounce follows; another sender; another recipient; another anti-spam or
AMP verdict); truth.json lists, per MID, what the tables must say:
source, status, verdicts, and the planted disagreement's words.

Used by tests/test_cef_agree.py; usable alone to look at the files.
"""
import json
import os
import random
import sys

MON = "Nov"
DAY = 12


def ts(sec):
    d, h, m, s = DAY + sec // 86400, sec // 3600 % 24, sec // 60 % 60, sec % 60
    return f"{MON} {d:2d} {h:02d}:{m:02d}:{s:02d}"


def asctime(sec):
    d, h, m, s = DAY + sec // 86400, sec // 3600 % 24, sec // 60 % 60, sec % 60
    return f"Thu {MON} {d} {h:02d}:{m:02d}:{s:02d} 2026"


def generate(outdir, n=300, seed=16):
    """n up to about 100,000: the times run over the days from Nov 12 on."""
    rnd = random.Random(seed)
    host = "esa1"
    d = os.path.join(outdir, host)
    os.makedirs(d, exist_ok=True)
    ml, cef = [], []            # (time, text)
    truth = {}
    t = 8 * 3600
    icid, dcid = 50000, 70000
    planted = ["cef_delivered_then_bounce", "sender", "recipient", "spam", "amp"]
    for k in range(n):
        mid = 10000 + k
        t += rnd.randint(2, 20)
        icid += 1
        sender = f"user{rnd.randint(1, 40)}@sender{rnd.randint(1, 5)}.example"
        rcpts = [f"rcpt{rnd.randint(1, 90)}@example.com" for _ in range(rnd.randint(1, 3))]
        rcpts = list(dict.fromkeys(rcpts))
        subject = rnd.choice(["Invoice", "Report", "Hello", "Order"]) + f" {mid}"
        size = rnd.randint(1000, 90000)
        spam = rnd.choice(["negative"] * 6 + ["positive", "suspect"])
        virus = rnd.choice(["negative"] * 9 + ["positive"])
        amp = rnd.choice(["CLEAN", "UNKNOWN", None])
        gray = rnd.choice(["negative", None])
        outb = rnd.choice(["negative", "positive", None])
        if virus == "positive" or spam == "positive":
            outcome = "dropped"
        elif spam == "suspect" or outb == "positive":
            outcome = "quarantined"
        else:
            outcome = rnd.choice(["delivered"] * 6 + ["bounced"])
        # which logs hold it, and what is planted
        where = "both"
        plant = None
        if k % 29 == 7:
            where = "cef"
        elif k % 31 == 11:
            where = "mail_logs"
        elif k % 23 == 5:
            plant = planted[(k // 23) % len(planted)]
        if plant == "cef_delivered_then_bounce":
            outcome = "bounced"
        if plant == "amp":
            amp = "CLEAN"
        # ---- mail_logs
        sec = t
        L = []
        if where != "cef":
            ip = f"198.51.100.{rnd.randint(1, 250)}"
            L.append((sec, f"New SMTP ICID {icid} interface Data 1 (192.0.2.1) address {ip} reverse dns host mta.sender.example verified yes"))
            L.append((sec, f"ICID {icid} ACCEPT SG UNKNOWNLIST match sbrs[-1.0:10.0] SBRS 2.0 country Germany"))
            L.append((sec, f"Start MID {mid} ICID {icid}"))
            L.append((sec, f"MID {mid} ICID {icid} From: <{sender}>"))
            for i, r in enumerate(rcpts):
                L.append((sec, f"MID {mid} ICID {icid} RID {i} To: <{r}>"))
            L.append((sec + 1, f"MID {mid} Subject '{subject}'"))
            L.append((sec + 1, f"MID {mid} ready {size} bytes from <{sender}>"))
            L.append((sec + 1, f"MID {mid} using engine: CASE spam {spam}"))
            L.append((sec + 1, f"MID {mid} antivirus {virus} "))
            if amp:
                L.append((sec + 1, f"MID {mid} AMP file reputation verdict : {amp}"))
            if gray:
                L.append((sec + 1, f"MID {mid} using engine: GRAYMAIL {gray}"))
            if outb:
                L.append((sec + 1, f"MID {mid} Outbreak Filters: verdict {outb}"))
            rl = ", ".join(str(i) for i in range(len(rcpts)))
            if outcome == "dropped":
                L.append((sec + 2, f"Message aborted MID {mid} Dropped by CASE"))
                L.append((sec + 2, f"Message finished MID {mid} aborted"))
            elif outcome == "quarantined":
                L.append((sec + 2, f"MID {mid} quarantined to \"Policy\" (content filter hold_{mid})"))
            else:
                dcid += 1
                L.append((sec + 2, f"MID {mid} queued for delivery"))
                L.append((sec + 2, f"New SMTP DCID {dcid} interface 192.0.2.1 address 10.0.0.5 port 25"))
                L.append((sec + 2, f"Delivery start DCID {dcid} MID {mid} to RID [{rl}]"))
                if outcome == "delivered":
                    L.append((sec + 3, f"Message done DCID {dcid} MID {mid} to RID [{rl}]"))
                else:
                    for i, r in enumerate(rcpts):
                        L.append((sec + 3, f"Bounced: DCID {dcid} MID {mid} From: <{sender}> To: <{r}> RID {i} - 5.1.1 - Bad destination email address ('550', ['5.1.1 <{r}>: no such user'])"))
                L.append((sec + 3, f"Message finished MID {mid} done"))
            L.append((sec + 4, f"ICID {icid} close"))
        ml.extend(L)
        # ---- CEF
        act = {"delivered": "DELIVERED", "bounced": "BOUNCED", "dropped": "DROPPED",
               "quarantined": "QUARANTINED"}[outcome]
        c_sender, c_rcpts, c_spam, c_amp = sender, list(rcpts), spam, amp
        expect = None
        if plant == "cef_delivered_then_bounce":
            act = "DELIVERED"
            expect = "CEF says DELIVERED, mail_logs says bounced"
        elif plant == "sender":
            c_sender = "someone.else@forged.example"
            expect = f"sender: CEF says {c_sender}, mail_logs says {sender}"
        elif plant == "recipient":
            c_rcpts = rcpts[:-1] + ["stranger@example.org"]
            expect = f"recipients: only in CEF stranger@example.org, only in mail_logs {rcpts[-1]}"
        elif plant == "spam":
            c_spam = "positive" if spam != "positive" else "negative"
            expect = f"anti-spam: CEF says {c_spam}, mail_logs says {spam}"
        elif plant == "amp":
            c_amp = "MALICIOUS"
            expect = "AMP: CEF says MALICIOUS, mail_logs says CLEAN"
        if where != "mail_logs":
            details = {"DELIVERED": "Delivered", "BOUNCED": "Bounced", "DROPPED": "Dropped by CASE",
                       "QUARANTINED": "To POLICY"}[act]

            def cefline(a, det):
                kv = [f"deviceExternalId=4229E1A0B3C3D4E5F6A7-0011223344AC ESAMID={mid} ESAICID={icid}"]
                if a == "DELIVERED" or a == "BOUNCED":
                    kv.append(f"ESADCID={dcid}")
                kv.append(f"ESAAMPVerdict={c_amp.upper() if c_amp else 'NOT_EVALUATED'}")
                kv.append(f"ESAASVerdict={c_spam.upper()} ESAAVVerdict={virus.upper()} ")   # a double space follows
                kv.append(f"ESACFVerdict=NOT_EVALUATED endTime={asctime(sec + 3)} ESADLPVerdict=NOT_EVALUATED")
                kv.append(f"ESAGMVerdict={gray.upper() if gray else 'NOT_EVALUATED'}")
                kv.append(f"ESAOFVerdict={outb.upper() if outb else 'NOT_EVALUATED'}")
                kv.append(f"startTime={asctime(sec)} ESAMailFlowPolicy=ACCEPT suser={c_sender}")
                kv.append(f"cs1Label=MailPolicy cs1=DEFAULT act={a} ESAFinalActionDetails={det}")
                kv.append(f"ESAMsgSize={size} duser={';'.join(c_rcpts)} ESASDRDomainAge=3 years 1 months 2 days")
                kv.append(f"sourceAddress=198.51.100.7 msg='{subject}'")
                return ("CEF:0|Cisco|C300V Email Security Virtual Appliance|15.0.1-030|ESA_CONSOLIDATED_LOG_EVENT"
                        "|Consolidated Log Event|5|" + " ".join(kv))
            if k % 17 == 3:                       # an interim line first: the last line wins
                cef.append((sec + 1, cefline("QUEUED", "Interim")))
            line = cefline(act, details)
            # the CEF line is written when the message ends; a planted bounce comes after it
            cef.append((sec + (2 if plant == "cef_delivered_then_bounce" else 3), line))
            if k % 13 == 4:                       # a duplicate
                cef.append((sec + 3, line))
        status = outcome
        truth[mid] = {
            "source": {"both": "mail_logs+cef", "cef": "cef", "mail_logs": "mail_logs"}[where],
            "status": status, "mail_from": sender if where != "cef" else c_sender,
            "rcpts": rcpts if where != "cef" else c_rcpts, "subject": subject, "size": size,
            "spam": spam, "virus": virus, "amp": amp, "graymail": gray, "outbreak": outb,
            "disagreement": expect if where == "both" else None, "plant": plant,
        }
    with open(os.path.join(d, "mail.current"), "w") as f:
        for sec, text in sorted(ml, key=lambda x: x[0]):
            f.write(f"<22>{ts(sec)} {host} mail_logs: Info: {text}\n")
    with open(os.path.join(d, "consolidated_event.current"), "w") as f:
        for sec, text in sorted(cef, key=lambda x: x[0]):
            f.write(f"<166>{ts(sec)} {host} consolidated_event: {text}\n")
    with open(os.path.join(outdir, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)
    return truth


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: gen_cef.py DIR [N] [SEED]")
    tr = generate(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 300,
                  int(sys.argv[3]) if len(sys.argv) > 3 else 16)
    print(f"{len(tr)} messages written to {sys.argv[1]}")
