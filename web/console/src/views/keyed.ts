// A list whose rows are kept by key: a row built once is updated in place and
// only moved, so focus, a picked option or a draft in it survive every redraw
// (no focus to restore by hand).
export interface Row<T> {
  readonly el: HTMLElement
  update(item: T): void
}

export class KeyedList<T> {
  private rows = new Map<string, Row<T>>()

  constructor(
    readonly el: HTMLElement,
    private readonly key: (item: T) => string,
    private readonly build: (item: T) => Row<T>,
  ) {}

  render(items: readonly T[]): void {
    const keep = new Set<string>()
    items.forEach((item, i) => {
      const k = this.key(item)
      keep.add(k)
      let row = this.rows.get(k)
      if (!row) {
        row = this.build(item)
        this.rows.set(k, row)
      }
      row.update(item)
      if (this.el.children[i] !== row.el) this.el.insertBefore(row.el, this.el.children[i] ?? null)
    })
    for (const [k, row] of this.rows) {
      if (keep.has(k)) continue
      row.el.remove()
      this.rows.delete(k)
    }
  }
}
