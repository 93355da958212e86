#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mailtrace export: NDJSON, one record per recipient (host, MID, RID), in Elastic
# Common Schema and Splunk CIM Email field names (sql/export-ecs.sql,
# sql/export-splunk.sql; mapping in docs/exports.md).  Every line must be one JSON
# object; the demo's 10 recipients give 10 records; the bounced recipient's record
# carries what FACTS.md §7 says of MID 20506 (DCID 3304 to 203.0.113.45:25, 550
# 5.1.1 user unknown).  PASS/FAIL lines.
set -u
cd "$(dirname "$0")/../.." || exit 2
export MAILTRACE_EXT=${MAILTRACE_EXT:-$PWD/mailtrace}
MT=$PWD/bin/mailtrace
LOGS=tests/data/demo/esa-demo
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
"$MT" export --ecs "$LOGS" -o "$tmp/ecs.ndjson" 2>"$tmp/err"; rc=$?
[ $rc = 0 ] || echo "FAIL export.ecs_runs: rc=$rc $(cat "$tmp/err")"
"$MT" export --splunk "$LOGS" > "$tmp/cim.ndjson" 2>"$tmp/err"; rc=$?
[ $rc = 0 ] || echo "FAIL export.splunk_runs: rc=$rc $(cat "$tmp/err")"
"$MT" export --ecs --since '2026-11-05 13:30' --until '2026-11-05 14:00' "$LOGS" > "$tmp/win.ndjson" 2>&1
"$PY" - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
def load(name):
    recs = []
    with open(f"{d}/{name}") as f:
        for i, line in enumerate(f, 1):
            try:
                r = json.loads(line)
                assert isinstance(r, dict)
                recs.append(r)
            except Exception as e:
                print(f"FAIL export.{name}_line_{i}_is_json: {e}: {line[:120]}")
    return recs
def check(name, ok, why=""):
    print(("PASS " if ok else "FAIL ") + "export." + name + ("" if ok else ": " + repr(why)[:400]))
def has_null(x):
    if x is None: return True
    if isinstance(x, dict): return any(has_null(v) for v in x.values()) or x == {}
    if isinstance(x, list): return any(has_null(v) for v in x)
    return False
ecs, cim, win = load("ecs.ndjson"), load("cim.ndjson"), load("win.ndjson")
check("ecs_one_record_per_recipient", len(ecs) == 10, len(ecs))
check("splunk_one_record_per_recipient", len(cim) == 10, len(cim))
check("ecs_no_nulls_or_empty_objects", not any(has_null(r) for r in ecs), [r for r in ecs if has_null(r)][:1])
check("splunk_no_nulls", not any(has_null(r) for r in cim), [r for r in cim if has_null(r)][:1])
b = [r for r in ecs if r.get("email", {}).get("local_id") == "20506"]
ok = (len(b) == 1 and b[0]["event"]["outcome"] == "failure" and b[0]["event"]["action"] == "bounced"
      and b[0]["email"]["to"]["address"] == ["j.smith@client.example.org"]
      and b[0]["email"]["from"]["address"] == ["hr@example.com"]
      and b[0]["source"]["ip"] == "10.1.2.30" and b[0]["destination"] == {"ip": "203.0.113.45", "port": 25}
      and b[0]["mailtrace"]["dsn"] == "5.1.1" and b[0]["mailtrace"]["smtp_code"] == 550
      and b[0]["@timestamp"] == "2026-11-05T13:35:06Z" and b[0]["observer"]["vendor"] == "Cisco")
check("ecs_bounced_recipient", ok, b)
n = [r for r in ecs if r["email"]["local_id"] == "20507"]
check("ecs_null_sender_has_no_from", len(n) == 1 and "from" not in n[0]["email"] and n[0]["mailtrace"]["parent_mid"] == 20506, n)
c = [r for r in cim if r.get("internal_message_id") == "20506"]
ok = (len(c) == 1 and c[0]["action"] == "blocked" and c[0]["recipient"] == "j.smith@client.example.org"
      and c[0]["src"] == "10.1.2.30" and c[0]["src_user"] == "hr@example.com" and c[0]["status_code"] == 550
      and c[0]["dest"] == "203.0.113.45" and c[0]["recipient_domain"] == "client.example.org")
check("splunk_bounced_recipient", ok, c)
q = [r for r in cim if r.get("internal_message_id") == "20505"]
check("splunk_quarantined", len(q) == 1 and q[0]["action"] == "quarantined", q)
dl = [r for r in cim if r.get("internal_message_id") == "20509"]
check("splunk_delayed_has_no_action", len(dl) == 1 and "action" not in dl[0] and dl[0]["recipient_status"] == "delayed", dl)
check("since_until_window", sorted({r["email"]["local_id"] for r in win}) == ["20506", "20507", "20508"],
      sorted({r["email"]["local_id"] for r in win}))
PY
out=$("$MT" export "$LOGS" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q 'ecs' && echo "PASS export.needs_a_format" || echo "FAIL export.needs_a_format: rc=$rc $out"
