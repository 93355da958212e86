// SPDX-License-Identifier: MIT
// tests/node/bindings.js — mailtrace loaded into Node through better-sqlite3 (which
// brings its own, newer SQLite), as a Node program uses it: loadExtension, bound
// parameters, errors as exceptions naming the file.  Run by tests/sh/node.sh with
// NODE_PATH pointing at the installed better-sqlite3; prints PASS/FAIL lines.
'use strict';
const path = require('path');
const Database = require('better-sqlite3');
const EXT = process.env.MAILTRACE_EXT;
const DATA = path.join(__dirname, '..', 'data');
let failed = 0;
function check(name, ok, why) {
  if (ok) console.log('PASS node.' + name);
  else { failed++; console.log('FAIL node.' + name + ': ' + JSON.stringify(why)); }
}

const db = new Database(':memory:');
db.loadExtension(EXT);
const v = db.prepare('SELECT mailtrace_version() AS v, sqlite_version() AS s').get();
check('version', /^mailtrace \d+\.\d+\.\d+/.test(v.v), v);

const esa1 = path.join(DATA, 'esa1');
const n = db.prepare('SELECT count(*) AS n FROM mailtrace_lines(?)').pluck().get(esa1);
check('lines_count', n === 452, n);

const files = db.prepare('SELECT mailtrace_open(?, ?)').pluck().get(esa1, path.join(DATA, 'esa2'));
check('open', files === 4, files);
const rows = db.prepare(`SELECT m.host, m.mid, m.status FROM connections c
                           JOIN messages m ON m.host = c.host AND m.icid = c.icid
                          WHERE c.remote_ip = ? ORDER BY m.mid`).raw().all('192.0.2.10');
check('join', JSON.stringify(rows) ===
      JSON.stringify([['esa1', 81001, 'delivered'], ['esa1', 81002, 'bounced'], ['esa1', 81009, 'delivered']]), rows);

const hist = db.prepare("SELECT count(*) AS n, min(utc) AS first FROM mailtrace_history(81009, 'esa1')").get();
check('history', hist.n > 0 && hist.first === '2026-11-02 16:20:38', hist);

const dg = db.prepare('SELECT stage, verdict FROM mailtrace_diagnose WHERE ip = ?').all('198.51.100.7');
check('diagnose', dg.length === 1 && dg[0].verdict === 'refused by HAT policy', dg);

try {
  db.prepare('SELECT count(*) FROM mailtrace_lines(?)').get('/nonexistent/mail.current');
  check('missing_file_error', false, 'no error');
} catch (e) {
  check('missing_file_error', String(e.message).includes('/nonexistent/mail.current'), e.message);
}
process.exit(failed ? 1 : 0);
