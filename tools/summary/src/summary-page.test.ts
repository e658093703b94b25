/// <reference lib="dom" />
import { copyFile, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildSummary } from './build-summary.js';
import { DOMAINS } from './domains.js';
import { runMainJob, type MainJobResult } from './main-job.js';
import { readComparison } from './read-comparison.js';
import { TINY_ENV, TINY_EXTRA_ARGS, tinyPlan } from './test-support/tiny-plan.js';

/** Debian's chromium (scripts/system-packages.sh installs it for npm test). */
const CHROMIUM = '/usr/bin/chromium';
/** Where the browser's screenshot of the page is kept after the test (the temporary folder is removed). */
const SCREENSHOT = join(tmpdir(), 'counterweight-summary-page.png');

let dir: string;
let runsDir: string;
let outDir: string;
let first: MainJobResult;
/** Methods of each domain's comparison, read from its metrics.json. */
const methods = new Map<string, string[]>();

/** Every result.json under a folder, with its modification time and bytes. */
async function resultFiles(root: string): Promise<Map<string, { mtimeMs: number; text: string }>> {
  const files = new Map<string, { mtimeMs: number; text: string }>();
  for (const entry of await readdir(root, { recursive: true })) {
    if (!entry.endsWith('result.json')) continue;
    const path = join(root, entry);
    files.set(path, { mtimeMs: (await stat(path)).mtimeMs, text: await readFile(path, 'utf8') });
  }
  return files;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'summary-page-'));
  runsDir = join(dir, 'runs');
  outDir = join(dir, 'reports');
  // The real main job: each app's compare CLI in its own process, with tiny settings.
  first = await runMainJob({ runsDir, outDir, plan: tinyPlan(), extraArgs: TINY_EXTRA_ARGS, env: TINY_ENV, output: 'capture' });
  for (const domain of DOMAINS) {
    const comparison = await readComparison(join(runsDir, domain.out));
    methods.set(domain.id, comparison.summaries.map((s) => s.method));
  }
}, 300_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('the summary page of the main job (tiny real runs of the four apps)', () => {
  it('has, per domain, one table row per method of its comparison, a reading sentence and a link to its report', async () => {
    const markdown = await readFile(join(outDir, 'summary.md'), 'utf8');
    const sections = markdown.split(/^## /m).slice(1);
    expect(sections.map((s) => s.split('\n')[0])).toEqual(DOMAINS.map((d) => d.title));
    for (const [i, domain] of DOMAINS.entries()) {
      const section = sections[i] ?? '';
      const names = methods.get(domain.id) ?? [];
      expect(names.length).toBeGreaterThanOrEqual(2);
      const rows = section.split('\n').filter((line) => /^\| `/.test(line));
      expect(rows.map((r) => /^\| `([^`]+)`/.exec(r)?.[1])).toEqual(names);
      // Every row has the mean [interval] of every metric; the baseline row says so.
      expect(rows.find((r) => r.includes(`\`${domain.baseline}\` (baseline)`))).toBeDefined();
      for (const row of rows) expect(row.match(/\d \[[−\d.]+, [−\d.]+\]/g)?.length).toBeGreaterThanOrEqual(domain.metrics.length);
      expect(section).toMatch(/\*\*Reading\.\*\* .*`[^`]+`.*\./);
      const link = /Full report: \[([^\]]+)\]\(([^)]+)\)/.exec(section)?.[2] ?? '';
      await expect(stat(join(outDir, link))).resolves.toBeDefined();
      expect(link).toBe(`../runs/${domain.out}/report.md`);
      expect(section).toContain(`![`);
      expect((await stat(join(outDir, `summary-${domain.id}.png`))).size).toBeGreaterThan(1000);
    }
    expect(first.comparisons.map((c) => c.domain)).toEqual(DOMAINS.map((d) => d.id));
  });

  it('opens in headless Chromium: every chart decodes, every table has its rows, nothing is requested from outside the page', async () => {
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless'], headless: true });
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1200, height: 900 });
      const pageUrl = `file://${join(outDir, 'summary.html')}`;
      const requests: string[] = [];
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        const url = request.url();
        requests.push(url);
        if (url === pageUrl || url.startsWith('data:')) void request.continue();
        else void request.abort();
      });
      await page.goto(pageUrl, { waitUntil: 'load' });
      const images = await page.$$eval('img', (imgs) =>
        Promise.all(
          imgs.map(async (img) => {
            await img.decode();
            return { scheme: img.getAttribute('src')?.slice(0, 22) ?? '', width: img.naturalWidth, height: img.naturalHeight };
          }),
        ),
      );
      expect(images).toHaveLength(DOMAINS.length);
      for (const image of images) {
        expect(image.scheme).toBe('data:image/png;base64,');
        expect(image.width).toBeGreaterThan(100);
        expect(image.height).toBeGreaterThan(100);
      }
      const tables = await page.$$eval('section[data-domain]', (sections) =>
        sections.map((s) => ({
          domain: s.getAttribute('data-domain'),
          rows: Array.from(s.querySelectorAll('table tbody tr'), (tr) => tr.querySelector('td code')?.textContent ?? ''),
          columns: Array.from(s.querySelectorAll('table tbody tr'), (tr) => tr.querySelectorAll('td').length),
          headers: s.querySelectorAll('table thead th').length,
        })),
      );
      expect(tables.map((t) => t.domain)).toEqual(DOMAINS.map((d) => d.id));
      for (const table of tables) {
        expect(table.rows).toEqual(methods.get(table.domain ?? ''));
        for (const columns of table.columns) expect(columns).toBe(table.headers);
      }
      // Nothing but the page itself and its data: URIs; no external URL anywhere in the markup either.
      expect(requests.filter((url) => url !== pageUrl && !url.startsWith('data:'))).toEqual([]);
      const html = await readFile(join(outDir, 'summary.html'), 'utf8');
      expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
      expect(html).not.toMatch(/<script|<link /);
      const png = join(dir, 'summary.png');
      await page.screenshot({ path: png, fullPage: true });
      const bytes = await readFile(png);
      expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(bytes.length).toBeGreaterThan(20_000);
      await copyFile(png, SCREENSHOT);
    } finally {
      await browser.close();
    }
  });

  it('a second main job reuses every finished run, and the same runs give the same page', async () => {
    const before = await resultFiles(runsDir);
    const markdown = await readFile(join(outDir, 'summary.md'), 'utf8');
    const html = await readFile(join(outDir, 'summary.html'), 'utf8');
    expect(before.size).toBeGreaterThanOrEqual(DOMAINS.length * 4);
    // One app's compare again through the main job (each app's reuse is tested by the app itself; one keeps CI short).
    const ctr = tinyPlan(DOMAINS.filter((d) => d.id === 'ctr'));
    const again = await runMainJob({ runsDir, outDir: join(dir, 'again'), plan: ctr, extraArgs: TINY_EXTRA_ARGS, env: TINY_ENV, output: 'capture' });
    const after = await resultFiles(runsDir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [path, file] of after) expect(file).toEqual(before.get(path));
    expect(again.comparisons.map((c) => c.domain)).toEqual(['ctr']);
    // The page again from the same finished runs: byte for byte the same files.
    const rebuilt = await buildSummary({ runsDir, outDir });
    expect(await readFile(rebuilt.markdown, 'utf8')).toBe(markdown);
    expect(await readFile(rebuilt.html, 'utf8')).toBe(html);
  });
});
