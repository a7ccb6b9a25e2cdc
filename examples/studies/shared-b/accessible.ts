// Labels every <svg> element of a figure for screen readers (role="img" and an aria-label).

const TITLE = /class="title">([^<]*)</;

/**
 * `svg` with `role="img" aria-label="…"` on each `<svg>` tag that has no role yet: the outer one
 * gets `label`, each chart inside gets its own title (the first `class="title"` text after it).
 * Idempotent; the label must already be HTML-escaped.
 */
export function labelFigure(svg: string, label: string): string {
  let first = true;
  return svg.replace(/<svg\b([^>]*)>/g, (tag, attrs: string, offset: number) => {
    const outer = first;
    first = false;
    if (/\brole=/.test(attrs)) return tag;
    const own = outer ? null : TITLE.exec(svg.slice(offset, offset + 600));
    return `<svg${attrs} role="img" aria-label="${own ? own[1] : label}">`;
  });
}
