#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""md2man.py — the man pages of mailtrace, made from the Markdown of docs/.

    tools/md2man.py NAME SECTION VERSION "TITLE" FILE.md... > NAME.SECTION

The subset of Markdown docs/ uses becomes man(7) roff: '#' the page's first title (the NAME
line), '##' .SH, '###' .SS, fenced code .nf/.fi, tables one indented paragraph per row
(first cell in bold), lists .IP, `code` and **strong** in bold, [text](link) as its text.
Several files make one page: the first one's '##' are sections, the others' '#' titles are
sections and their '##' subsections.  Nothing is dropped:
every line of text of the Markdown is in the page.
"""
import re
import sys


def esc(s):
    s = s.replace("\\", "\\e")
    return s


def inline(s):
    s = esc(s)
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", s)          # links: their text
    s = re.sub(r"\*\*([^*]+)\*\*", r"\\fB\1\\fR", s)
    s = re.sub(r"`([^`]+)`", r"\\fB\1\\fR", s)
    s = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\\fI\1\\fR", s)
    return s


def line_start(s):
    # a roff control character at the start of a text line must be protected
    return "\\&" + s if s[:1] in (".", "'") else s


def cells(row):
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)]


def convert(files, name, section, version, title):
    out = [f'.TH {name.upper()} {section} "" "mailtrace {version}" "{title}"']
    first = True
    for nfile, path in enumerate(files):
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        i = 0
        in_code = False
        while i < len(lines):
            ln = lines[i]
            if ln.startswith("```"):
                if not in_code:
                    out.append(".PP\n.RS 2\n.nf")
                else:
                    out.append(".fi\n.RE")
                in_code = not in_code
                i += 1
                continue
            if in_code:
                out.append(line_start(esc(ln)))
                i += 1
                continue
            if ln.startswith("# "):
                text = ln[2:].strip()
                if first:
                    out.append(".SH NAME")
                    plain = re.sub(r"[`*]", "", text)
                    out.append(line_start(esc(plain).replace(" — ", " \\- ", 1)))
                    first = False
                else:
                    out.append(".SH " + inline(text.upper() if len(text) < 40 else text))
            elif ln.startswith("## "):
                (out.append(".SH " + inline(ln[3:].strip().upper())) if nfile == 0
                 else out.append(".SS " + inline(ln[3:].strip())))
            elif ln.startswith("### ") or ln.startswith("#### "):
                out.append(".SS " + inline(ln.lstrip("#").strip()))
            elif re.match(r"^-{5,}\s*$", ln) or re.match(r"^\s*$", ln):
                out.append(".PP") if out[-1] != ".PP" else None
            elif ln.startswith("|"):
                rows = []
                while i < len(lines) and lines[i].startswith("|"):
                    rows.append(cells(lines[i]))
                    i += 1
                header = rows[0]
                for r in rows[1:]:
                    if all(re.match(r"^:?-+:?$", c) for c in r):
                        continue
                    out.append(".TP 4")
                    out.append(line_start(inline(r[0])))
                    rest = []
                    for h, c in zip(header[1:], r[1:]):
                        if c:
                            rest.append((inline(h) + ": " if h and len(header) > 2 else "") + inline(c))
                    out.append(line_start("; ".join(rest)) if rest else "\\&")
                out.append(".PP")
                continue
            elif re.match(r"^\s*([*-]|\d+\.)\s", ln):
                m = re.match(r"^\s*([*-]|\d+\.)\s+(.*)$", ln)
                out.append(".IP \\(bu 2" if m.group(1) in "*-" else ".IP %s 4" % m.group(1))
                out.append(line_start(inline(m.group(2))))
            else:
                out.append(line_start(inline(ln.strip())))
            i += 1
    return "\n".join(x for x in out if x is not None) + "\n"


def main():
    if len(sys.argv) < 6:
        sys.exit("usage: md2man.py NAME SECTION VERSION TITLE FILE.md...")
    name, section, version, title = sys.argv[1:5]
    sys.stdout.write(convert(sys.argv[5:], name, section, version, title))


if __name__ == "__main__":
    main()
