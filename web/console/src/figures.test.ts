import { describe, expect, it } from 'vitest'
import { csvField, csvText, series, type ReportTable } from './figures'

const table: ReportTable = { name: 'n', title: 'Per week', columns: ['week', 'chats'], rows: [['2026-W01', 12], ['2026-W02', null], ['=1+1', 2.5]], suppressed: 1 }

describe('figures', () => {
  it('draws a suppressed count as a gap, never a zero', () => {
    expect(series(table, 1)).toEqual([12, null, 2.5])
  })

  it('writes CSV as the report CLI does: <minimum, decimal comma, formulas defused, quoting', () => {
    expect(csvField(null, 5)).toBe('<5')
    expect(csvField(2.5, 5)).toBe('2,5')
    expect(csvField('=SUM(A1)', 5)).toBe("'=SUM(A1)")
    expect(csvField('a;b "c"', 5)).toBe('"a;b ""c"""')
    expect(csvText(table, 5, true)).toBe("Per week\r\nweek;chats\r\n2026-W01;12\r\n2026-W02;<5\r\n'=1+1;2,5\r\n")
  })
})
