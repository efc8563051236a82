// The figures of GET /api/report: two charts, the tables and their CSV export.
// app.ts imports this module on demand when the figures are opened, so
// Chart.js is never loaded for advisors and not before a supervisor asks.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js'
import { h } from '../../shared/dom'
import type { Schemas } from '../../shared/api/client'
import { csvField, csvLines, downloadCsv } from './csv'
import type { Strings } from './i18n'

// A cell: null is a count below `minimum`, suppressed by the server; "x" is
// hidden with it so that it cannot be worked out from a total.
export type ReportTable = Schemas['ReportTable']
export type Cell = ReportTable['rows'][number][number]

// GET /api/report: one whole calendar month (the API answers no other range;
// see functions/vtchat/evaluation.py). `chats` is null below `minimum`.
export type Report = Schemas['ReportResponse']

// Only what the two charts use: the rest of Chart.js stays out of the bundle.
Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip)

const TREND = 'trend-per-week'
const HOURS = 'tijdstip'
// The console's palette (console.css); the series also differ in dash and
// point shape, so colour is never the only difference.
const INK = '#1d2330'
const SERIES = [
  { color: '#0b5cad', dash: [], point: 'circle' },
  { color: '#1e6b34', dash: [6, 4], point: 'rect' },
  { color: '#8a4b00', dash: [2, 3], point: 'triangle' },
] as const

/** Render the report into `out` (already empty): summary, charts, tables with CSV buttons. */
export function renderFigures(out: HTMLElement, report: Report, t: Strings): void {
  // Charts of an earlier render were detached with their canvas; their resize
  // observers would keep them alive.
  for (const chart of Object.values(Chart.instances)) if (!chart.canvas.isConnected) chart.destroy()
  out.append(h('p', { class: 'note', text: t.reportSummary(report.from, report.to, report.chats, report.minimum) }))
  const charts = h('div', { class: 'charts' })
  out.append(charts, h('p', { class: 'note', text: t.chartNote(report.minimum) }))
  const all = h('button', { type: 'button', class: 'small', text: t.csvAll })
  all.addEventListener('click', () => downloadCsv(fileName(report, 'cijfers'), report.tables.map((table) => csvText(table, report.minimum, true)).join('\r\n')))
  out.append(h('div', { class: 'report-tools' }, all))
  for (const table of report.tables) out.append(tableView(table, report))

  const trend = report.tables.find((table) => table.name === TREND)
  const hours = report.tables.find((table) => table.name === HOURS)
  // Appended first, drawn after: Chart.js sizes the canvas from its container.
  if (trend) trendChart(charts, trend, report.minimum, t)
  if (hours) hoursChart(charts, hours, report.minimum, t)
}

function tableView(table: ReportTable, report: Report): HTMLElement {
  const el = h('table', { class: 'active figures' }, h('caption', { text: table.title }))
  el.append(h('thead', {}, h('tr', {}, ...table.columns.map((c) => h('th', { scope: 'col', text: c })))))
  const body = h('tbody')
  for (const row of table.rows) body.append(h('tr', {}, ...row.map((v) => h('td', { text: v === null ? `<${report.minimum}` : String(v) }))))
  el.append(body)
  const csv = h('button', { type: 'button', class: 'small csv', 'data-table': table.name }, 'CSV', h('span', { class: 'sr-only', text: `: ${table.title}` }))
  csv.addEventListener('click', () => downloadCsv(fileName(report, table.name), csvText(table, report.minimum, false)))
  return h('div', { class: 'figure-table' }, csv, el)
}

// --- charts ----------------------------------------------------------------------

function chartBox(parent: HTMLElement, title: string, label: string): HTMLCanvasElement {
  const canvas = h('canvas', { role: 'img', 'aria-label': label })
  parent.append(h('figure', { class: 'chart' }, h('figcaption', { text: title }), h('div', { class: 'chart-area' }, canvas)))
  return canvas
}

function baseOptions(yTitle: string, xTitle: string): ChartConfiguration['options'] {
  const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches
  return {
    animation: still ? false : { duration: 300 },
    responsive: true,
    maintainAspectRatio: false,
    // The canvas is an image to assistive technology (role=img, aria-label,
    // the table); the tooltips are for the mouse.
    plugins: { legend: { position: 'bottom', labels: { color: INK, usePointStyle: true } } },
    scales: {
      x: { title: { display: true, text: xTitle, color: INK }, ticks: { color: INK } },
      y: { beginAtZero: true, title: { display: true, text: yTitle, color: INK }, ticks: { color: INK, precision: 0 } },
    },
  }
}

/** A column of counts as the chart draws it: a suppressed cell is a gap, never a zero. */
export function series(table: ReportTable, column: number): (number | null)[] {
  return table.rows.map((row) => {
    const v = row[column]
    return typeof v === 'number' ? v : null
  })
}

function peak(labels: string[], values: (number | null)[]): { label: string; value: number } | null {
  let best: { label: string; value: number } | null = null
  values.forEach((value, i) => {
    if (value !== null && value > 0 && (best === null || value > best.value)) best = { label: labels[i]!, value }
  })
  return best
}

function trendChart(parent: HTMLElement, table: ReportTable, minimum: number, t: Strings): void {
  const labels = table.rows.map((row) => String(row[0]))
  const data = [1, 2, 3].map((column) => series(table, column))
  const busiest = peak(labels, data[0]!)
  const hidden = data.flat().filter((v) => v === null).length
  const label = busiest ? t.trendLabel(labels[0]!, labels[labels.length - 1]!, busiest.label, busiest.value, hidden, minimum) : hidden ? t.allHidden(hidden) : t.noFigures
  const names = [t.seriesOffered, t.served, t.leftWaiting]
  const canvas = chartBox(parent, t.trendTitle, label)
  canvas.dataset.chart = 'trend'
  new Chart(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: data.map((values, i) => ({
        label: names[i]!,
        data: values,
        borderColor: SERIES[i]!.color,
        backgroundColor: SERIES[i]!.color,
        borderDash: [...SERIES[i]!.dash],
        pointStyle: SERIES[i]!.point,
        pointRadius: 3,
        // A suppressed week breaks the line instead of dipping to zero.
        spanGaps: false,
      })),
    },
    options: baseOptions(t.chatsAxis, t.weekAxis),
  })
}

function hoursChart(parent: HTMLElement, table: ReportTable, minimum: number, t: Strings): void {
  const labels = table.rows.map((row) => String(row[0]))
  const values = series(table, 1)
  const busiest = peak(labels, values)
  const hidden = values.filter((v) => v === null).length
  const label = busiest ? t.hoursLabel(busiest.label, busiest.value, hidden, minimum) : hidden ? t.allHidden(hidden) : t.noFigures
  const canvas = chartBox(parent, t.hoursTitle, label)
  canvas.dataset.chart = 'hours'
  const options = baseOptions(t.chatsAxis, t.hourAxis)
  if (options?.plugins) options.plugins.legend = { display: false }
  new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label: t.chatsAxis, data: values, backgroundColor: SERIES[0].color }] },
    options,
  })
}

// --- CSV -------------------------------------------------------------------------

// The cell conventions and the download live in csv.ts (shared with the audit
// export, which must not load Chart.js); csvField is re-exported for the tests.
export { csvField }

/** A table as CSV, `;`-separated with CRLF line ends as Python's csv module writes. */
export function csvText(table: ReportTable, minimum: number, withTitle: boolean): string {
  return (withTitle ? csvField(table.title, minimum) + '\r\n' : '') + csvLines([table.columns, ...table.rows], minimum)
}

function fileName(report: Report, name: string): string {
  return `vtchat-${name}-${report.org ? report.org + '-' : ''}${report.from}-${report.to}.csv`
}
