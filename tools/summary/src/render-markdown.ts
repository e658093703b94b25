import { markdownTable } from '@counterweight/reports';

import type { SummaryCell, SummaryDocument } from './summary-document.js';

function cellText(cell: SummaryCell): string {
  const text = cell.code === true ? `\`${cell.text}\`` : cell.text;
  const shown = cell.strong === true && text !== '' ? `**${text}**` : text;
  return cell.note === undefined ? shown : `${shown} ${cell.note}`;
}

/**
 * `summary.md`: the title and introduction, then per domain its heading, description, seeds and link to the app's
 * report, the table (reports' markdownTable), the reading sentence and the chart (a PNG beside the file).
 */
export function renderMarkdown(doc: SummaryDocument): string {
  const lines = [`# ${doc.title}`, '', ...doc.introduction.flatMap((p) => [p, ''])];
  for (const s of doc.sections) {
    lines.push(
      `## ${s.spec.title}`,
      '',
      s.spec.description,
      '',
      `Seeds ${s.seeds.join(', ')} (${s.seeds.length} repetition${s.seeds.length === 1 ? '' : 's'}). Full report: [${s.reportLink}](${s.reportLink}).`,
      '',
      `${s.caption}:`,
      '',
      markdownTable(s.table.headers, s.table.rows.map((row) => row.map(cellText)), { align: s.table.align }).trimEnd(),
      '',
      `**Reading.** ${s.reading}`,
      '',
      `![${s.chart.caption}](${s.chart.file})`,
      '',
    );
  }
  return lines.join('\n');
}
