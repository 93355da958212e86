#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mailtrace picture / bundle: the path of a message family as Mermaid text
# (sql/picture.sql) and as one self-contained HTML page (sql/bundle.sql), and the
# text bundle.  The HTML is opened in a real headless browser (chromium) when one is
# installed: the DOM must hold the ids of the family, the screenshot must not be blank.
# Facts: tests/data/FACTS.md §7 (MID 20506 bounced by 203.0.113.45 with 550 5.1.1, its
# bounce notice 20507 delivered to hr@example.com over DCID 3305).  PASS/FAIL/SKIP lines.
set -u
cd "$(dirname "$0")/../.." || exit 2
export MAILTRACE_EXT=${MAILTRACE_EXT:-$PWD/mailtrace}
MT=$PWD/bin/mailtrace
LOGS=tests/data/demo/esa-demo
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { if [ "$2" = 0 ]; then echo "PASS picture.$1"; else echo "FAIL picture.$1: ${3:-}"; fi; }
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3

out=$("$MT" picture 20506 "$LOGS" 2>&1)
want='flowchart LR
  c_esa_demo_10408["10.1.2.30<br/>hr01.corp.example.com<br/>ICID 10408 RELAY RELAYLIST"]
  s_esa_demo_20506(["hr@example.com"]) --> c_esa_demo_10408
  m_esa_demo_20506["MID 20506 on esa-demo<br/>bounced<br/>Interview schedule<br/>virus negative"]:::bounced
  m_esa_demo_20507["MID 20507 on esa-demo<br/>delivered"]:::delivered
  c_esa_demo_10408 --> m_esa_demo_20506
  m_esa_demo_20506 -->|bounce| m_esa_demo_20507
  r_esa_demo_20506_0["j.smith@client.example.org<br/>bounced 5.1.1"]:::bounced
  r_esa_demo_20507_0["hr@example.com<br/>delivered"]:::delivered
  m_esa_demo_20506 --> r_esa_demo_20506_0
  m_esa_demo_20507 --> r_esa_demo_20507_0
  d_esa_demo_3304["203.0.113.45:25<br/>DCID 3304 bounced 550"]:::bounced
  d_esa_demo_3305["10.1.5.10:25<br/>DCID 3305 delivered 250"]:::delivered
  r_esa_demo_20506_0 --> d_esa_demo_3304
  r_esa_demo_20507_0 --> d_esa_demo_3305'
[ "$(echo "$out" | grep -v classDef)" = "$want" ]; ok mermaid_family $? "$(diff <(echo "$out" | grep -v classDef) <(echo "$want"))"
out=$("$MT" picture 20507 "$LOGS" 2>&1)
echo "$out" | grep -q 'm_esa_demo_20506 -->|bounce| m_esa_demo_20507'; ok mermaid_from_the_child $? "$out"
out=$("$MT" picture 99999 "$LOGS" 2>&1)
[ -z "$out" ]; ok mermaid_unknown_mid_is_empty $? "$out"

"$MT" picture 20506 --html "$LOGS" -o "$tmp/p.html" 2>"$tmp/err"; ok html_written $? "$(cat "$tmp/err")"
"$PY" - "$tmp/p.html" <<'PY'
import sys
from html.parser import HTMLParser
src = open(sys.argv[1], encoding="utf-8").read()
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.ids = set(); s.ext = []; s.stack = []
    def handle_starttag(s, tag, attrs):
        a = dict(attrs)
        if "id" in a: s.ids.add(a["id"])
        if tag in ("script", "img", "link", "iframe") or any(k in ("src", "href") for k in a): s.ext.append(tag)
p = P(); p.feed(src)
def check(name, ok, why=""):
    print(("PASS " if ok else "FAIL ") + "picture." + name + ("" if ok else ": " + str(why)[:300]))
need = {"paths", "path-esa-demo-20506-0", "path-esa-demo-20507-0", "mid-esa-demo-20506", "mid-esa-demo-20507",
        "verdicts", "lines", "coverage"}
check("html_ids", need <= p.ids, need - p.ids)
check("html_self_contained", not p.ext and "http" not in src.replace("http-equiv", ""), p.ext)
check("html_quotes_lines_with_place", "mail.current:56: Thu Nov  5 08:35:06 2026 Info: Bounced: DCID 3304 MID 20506" in src
      and "data/demo/esa-demo/mail.current:43" in src.replace("tests/data", "data"), "")
check("html_verdicts", "bounced by the destination" in src and src.count('class="v"') == 2, src.count('class="v"'))
check("html_escapes", "<j.smith" not in src and "&lt;j.smith@client.example.org&gt;" in src, "")
PY

out=$("$MT" bundle 20506 --text "$LOGS" 2>&1)
echo "$out" | grep -q '^== Every line of the family' && echo "$out" | grep -q 'mail.current:56' &&
  echo "$out" | grep -q 'bounced by the destination' && echo "$out" | grep -q '^== What the logs cover'
ok text_bundle $? "$(echo "$out" | head -20)"

# a real browser: the page renders (non-blank) and its DOM holds the family
BROWSER=""
for b in chromium chromium-browser google-chrome; do command -v "$b" >/dev/null 2>&1 && { BROWSER=$b; break; }; done
if [ -z "$BROWSER" ]; then
  echo "SKIP picture.browser: no chromium installed (Debian: apt-get install chromium)"
  exit 0
fi
flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-extensions --user-data-dir="$tmp/profile")
env -u LD_PRELOAD timeout 60 "$BROWSER" "${flags[@]}" --dump-dom "file://$tmp/p.html" > "$tmp/dom.html" 2>/dev/null
grep -q 'id="mid-esa-demo-20506"' "$tmp/dom.html" && grep -q 'id="path-esa-demo-20507-0"' "$tmp/dom.html"
ok browser_dom_has_the_family $? "$(head -c 300 "$tmp/dom.html")"
env -u LD_PRELOAD timeout 60 "$BROWSER" "${flags[@]}" --window-size=1200,900 --screenshot="$tmp/shot.png" "file://$tmp/p.html" >/dev/null 2>&1
"$PY" - "$tmp/shot.png" <<'PY'
import struct, sys, zlib
def check(name, ok, why=""):
    print(("PASS " if ok else "FAIL ") + "picture." + name + ("" if ok else ": " + str(why)))
try:
    data = open(sys.argv[1], "rb").read()
except OSError as e:
    check("browser_screenshot_not_blank", False, e); sys.exit(0)
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, typ = struct.unpack(">I4s", data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
    if typ == b"IHDR": w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif typ == b"IDAT": idat += body
bpp = {2: 3, 6: 4}[ctype]
raw, stride, prev, colors = zlib.decompress(idat), w * bpp, None, set()
rows, i = [], 0
for y in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x] if prev else 0
        c = prev[x - bpp] if prev and x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    if y % 8 == 0:
        for x in range(0, w, 8): colors.add(bytes(line[x * bpp:x * bpp + 3]))
# non-blank: text and the coloured boxes (green delivered, red bounced) are on it
check("browser_screenshot_not_blank", len(colors) > 20 and bytes((0xd4, 0xed, 0xda)) in colors
      and bytes((0xf8, 0xd7, 0xda)) in colors, f"{len(colors)} colours")
PY
