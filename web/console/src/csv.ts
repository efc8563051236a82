// CSV in the report CLI's format (functions/vtchat/cli/report.py, `csv_cell`;
// functions/vtchat/http.py, `csv_download`), built in the browser and handed
// to the download without keeping anything: the figures' tables (figures.ts)
// and the privacy officer's audit log (views/audit.ts) share it. Apart from
// figures.ts so that the audit export does not load Chart.js.
import { h } from '../../shared/dom'

/** A cell: null is a count below the report's `minimum`, suppressed by the server. */
export type CsvCell = string | number | null

// A spreadsheet reads a field that starts with one of these as a formula.
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * One field as `python -m vtchat.report` writes it: suppressed `<5`, decimal
 * comma, formulas defused with a leading quote, quoted when it holds the
 * separator, a quote or a line break.
 */
export function csvField(value: CsvCell, minimum: number): string {
  let text: string
  if (value === null) text = `<${minimum}`
  else if (typeof value === 'number') text = String(value).replace('.', ',')
  else text = FORMULA_START.test(value) ? `'${value}` : value
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** Rows as CSV, `;`-separated with CRLF line ends as Python's csv module writes. */
export function csvLines(rows: readonly (readonly CsvCell[])[], minimum = 0): string {
  return rows.map((row) => row.map((cell) => csvField(cell, minimum)).join(';') + '\r\n').join('')
}

/**
 * Hand `text` to the browser as a download named `name`. The Blob's URL is
 * revoked right after the click: nothing of the file stays reachable from
 * the page, and nothing is written to the device's storage.
 */
export function downloadCsv(name: string, text: string): void {
  // The byte-order mark makes a Dutch Excel open the file as UTF-8 without an import dialog.
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' }))
  const link = h('a', { href: url, download: name, hidden: true })
  document.body.append(link)
  link.click()
  link.remove()
  // The download has taken the blob by the next task; the URL must not outlive it.
  window.setTimeout(() => URL.revokeObjectURL(url), 0)
}
