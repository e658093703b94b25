import type { SummaryCell, SummaryDocument } from './summary-document.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Escaped text with `code` spans (the summary's prose marks method names and paths with backticks). */
function inline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function cellHtml(cell: SummaryCell, tag: 'td' | 'th', align: string): string {
  let content = escapeHtml(cell.text);
  if (cell.code === true) content = `<code>${content}</code>`;
  if (cell.strong === true && cell.text !== '') content = `<strong>${content}</strong>`;
  if (cell.note !== undefined) content = `${content} ${escapeHtml(cell.note)}`;
  return `<${tag} class="${align}">${content}</${tag}>`;
}

const STYLE = `
body { font-family: "DejaVu Sans", Verdana, sans-serif; color: #222; max-width: 1180px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.3em; }
h2 { font-size: 1.3em; margin-top: 2.2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #d0d0d0; padding: 0.3em 0.6em; }
th { background: #f3f3f3; }
td.right, th.right { text-align: right; font-variant-numeric: tabular-nums; }
td { white-space: nowrap; }
td.left, th.left { text-align: left; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.95em; }
p.caption { color: #555; margin-bottom: 0.2em; }
p.reading { background: #f6f8fa; border-left: 4px solid #4c78a8; padding: 0.5em 0.8em; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9em; }
`;

/**
 * `summary.html`: the same content as summary.md in one self-contained page — CSS in a `<style>` element, every chart
 * an `<img>` whose source is a `data:image/png;base64,…` URI, no script and no external URL (the links to the apps'
 * reports are relative paths). `section` elements carry `data-domain` and tables `data-methods` (their row count).
 */
export function renderHtml(doc: SummaryDocument): string {
  const sections = doc.sections.map((s) => {
    const head = `<tr>${s.table.headers.map((h, i) => cellHtml({ text: h }, 'th', s.table.align[i] ?? 'left')).join('')}</tr>`;
    const body = s.table.rows.map((row) => `<tr>${row.map((c, i) => cellHtml(c, 'td', s.table.align[i] ?? 'left')).join('')}</tr>`).join('\n');
    const img = `data:image/png;base64,${s.chart.png.toString('base64')}`;
    return [
      `<section id="${escapeHtml(s.spec.id)}" data-domain="${escapeHtml(s.spec.id)}">`,
      `<h2>${escapeHtml(s.spec.title)}</h2>`,
      `<p>${inline(s.spec.description)}</p>`,
      `<p>Seeds ${escapeHtml(s.seeds.join(', '))} (${s.seeds.length} repetition${s.seeds.length === 1 ? '' : 's'}). Full report: <a href="${escapeHtml(s.reportLink)}">${escapeHtml(s.reportLink)}</a>.</p>`,
      `<p class="caption">${inline(s.caption)}:</p>`,
      `<table data-methods="${s.table.rows.length}">`,
      `<thead>${head}</thead>`,
      `<tbody>\n${body}\n</tbody>`,
      '</table>',
      `<p class="reading"><strong>Reading.</strong> ${inline(s.reading)}</p>`,
      `<figure><img src="${img}" alt="${escapeHtml(s.chart.caption)}"><figcaption>${escapeHtml(s.chart.caption)}</figcaption></figure>`,
      '</section>',
    ].join('\n');
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(doc.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(doc.title)}</h1>`,
    ...doc.introduction.map((p) => `<p>${inline(p)}</p>`),
    ...sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
