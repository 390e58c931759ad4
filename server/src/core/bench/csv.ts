// Minimal RFC 4180 CSV reading: quoted fields (with "" escapes), CRLF or LF line ends.

/** Rows of fields; a trailing empty line is dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field.length === 0) { quoted = true; i++; continue; }
    if (ch === ',') { row.push(field); field = ''; i++; continue; }
    if (ch === '\r' || ch === '\n') {
      row.push(field);
      field = '';
      rows.push(row);
      row = [];
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += ch;
    i++;
  }
  if (field.length > 0 || row.length > 0) { row.push(field); rows.push(row); }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** A CSV with a header row, as column-name → values. */
export interface Table {
  header: string[];
  rows: string[][];
  column(name: string): string[];
}

export function parseTable(text: string): Table {
  const all = parseCsv(text);
  if (all.length === 0) throw new Error('empty CSV');
  const header = all[0].map((h) => h.trim());
  const rows = all.slice(1);
  return {
    header,
    rows,
    column(name: string): string[] {
      const k = header.indexOf(name);
      if (k < 0) throw new Error(`CSV has no column '${name}' (columns: ${header.join(', ')})`);
      return rows.map((r) => r[k] ?? '');
    },
  };
}

/**
 * A numeric field: `inf`, `+inf`, `-inf`, `infinity`, `nan` (any case) are honoured, so
 * NASLib's `-inf` nwot scores rank below every finite score instead of becoming NaN.
 * Empty or unparseable fields become NaN.
 */
export function parseNumber(s: string): number {
  const t = s.trim().toLowerCase();
  if (t === '') return NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (t === 'nan') return NaN;
  const v = Number(t);
  return Number.isNaN(v) ? NaN : v;
}
