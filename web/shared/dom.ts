// A tiny element builder shared by the widget and the console. Strings always
// become text nodes (textContent), never HTML: visitor, advisor and server text
// cannot inject markup.

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>
export type Child = Node | string | null | undefined | false

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue
    if (typeof value === 'function') {
      el.addEventListener(name.replace(/^on/, ''), value)
    } else if (name === 'text') {
      el.textContent = String(value)
    } else {
      el.setAttribute(name, value === true ? '' : String(value))
    }
  }
  append(el, children)
  return el
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child)
  }
}

export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild)
}

/** Styles for a shadow root without inline <style> (works under a strict CSP). */
export function adoptStyles(root: ShadowRoot, cssText: string): void {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function') {
    try {
      const sheet = new CSSStyleSheet()
      sheet.replaceSync(cssText)
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
      return
    } catch {
      // fall through to a <style> element
    }
  }
  const style = document.createElement('style')
  style.textContent = cssText
  root.appendChild(style)
}
