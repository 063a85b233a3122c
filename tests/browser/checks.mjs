// The page checks of drive.mjs that look deeper than status and console: accessibility (axe-core),
// clipped table columns, filters kept by links, figures equal to the JSON API's, and the 404 page.
// Each returns a list of problems (strings); empty means the page passed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// Evaluated over the DevTools protocol rather than added as a <script>: the pages' Content
// Security Policy (script-src 'self') rightly refuses inline scripts, and stays on for the test.
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Every axe-core violation on the page, WCAG 2.x A and AA plus best practices. */
export async function accessibility(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      count: v.nodes.length,
    }));
  });
  return violations.map((v) => `axe ${v.impact} ${v.id} (${v.help}) on ${v.count} node(s): ${v.targets.join(' | ')}`);
}

/**
 * Table columns a reader cannot see without scrolling: a table wider than the box that scrolls
 * it, or a cell whose right edge lies beyond that box.
 */
export async function clippedColumns(page) {
  return page.evaluate(() => {
    const problems = [];
    const scroller = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const overflow = getComputedStyle(p).overflowX;
        if (overflow !== 'visible' && overflow !== 'clip') return p;
      }
      return null;
    };
    document.querySelectorAll('table').forEach((table, i) => {
      const name = table.getAttribute('data-csv-name') || `table ${i + 1}`;
      const box = scroller(table);
      if (box && box.scrollWidth > box.clientWidth + 1) {
        problems.push(`${name} scrolls sideways: ${box.scrollWidth}px in a ${box.clientWidth}px box`);
        return;
      }
      const right = box ? box.getBoundingClientRect().right : document.documentElement.clientWidth;
      const heads = table.tHead ? Array.from(table.tHead.rows[0].cells) : [];
      for (const cell of heads) {
        if (cell.getBoundingClientRect().right > right + 1) {
          problems.push(`${name}: column "${cell.textContent.trim()}" is cut off`);
        }
      }
    });
    return problems;
  });
}

/** Links to data pages that drop any of the `expected` filters (e.g. {team, from, to}); CSV links are the filter bar's own. */
export async function linksKeepFilters(page, expected) {
  return page.evaluate((expected) => {
    const dataPages = ['/', '/spend', '/plans', '/adoption', '/productivity', '/reviews'];
    const problems = [];
    const links = Array.from(document.querySelectorAll('a[href]')).filter((a) => {
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || url.searchParams.get('format') === 'csv') return false;
      return dataPages.includes(url.pathname) || url.pathname.startsWith('/developers/');
    });
    for (const a of links) {
      const url = new URL(a.href, location.href);
      // A link that sets a filter itself (a team's row opening that team, a preset replacing the
      // dates) chose it; one without it lost it. The server writes the links: no script helps.
      const chosen = (k) => url.searchParams.get(k) || (['from', 'to'].includes(k) && url.searchParams.get('preset'));
      const lost = Object.keys(expected).filter((k) => !chosen(k));
      if (lost.length) problems.push(`link "${a.textContent.trim().slice(0, 40)}" (${a.getAttribute('href')}) loses ${lost.join(', ')}`);
    }
    if (links.length === 0) problems.push('no links to data pages to check');
    return problems;
  }, expected);
}

const endpoints = {
  spend: '/api/v1/metrics/spend',
  plans: '/api/v1/metrics/plans',
  adoption: '/api/v1/metrics/adoption',
  productivity: '/api/v1/metrics/productivity',
  reviews: '/api/v1/reviews/summary',
};

/** Follows `total.cost_usd`, `months[-1].cost_usd`, `months[month=2026-07].cost_usd`, `alerts.length`. */
function follow(json, path) {
  let value = json;
  for (const part of path.split('.')) {
    const m = part.match(/^([a-z_]+)(?:\[([^\]]+)\])?$/i);
    if (!m || value == null) return undefined;
    value = m[1] === 'length' && Array.isArray(value) ? value.length : value[m[1]];
    if (m[2] === undefined) continue;
    if (!Array.isArray(value)) return undefined;
    const [key, wanted] = m[2].split('=');
    if (wanted !== undefined) value = value.find((item) => String(item[key]) === wanted);
    else value = value.at(Number(key));
  }
  return value;
}

/** A shown figure ("$1,234", "12.5%", "1.2M", "—") as a number and the half-unit it was rounded to. */
function parseShown(text) {
  const m = text.replace(/,/g, '').match(/(-?)\$?(\d+(?:\.(\d+))?)\s*([kKMB]?)/);
  if (!m) return null;
  const scale = { '': 1, k: 1e3, K: 1e3, M: 1e6, B: 1e9 }[m[4]];
  const decimals = m[3] ? m[3].length : 0;
  return { value: Number(m[1] + m[2]) * scale, tolerance: 0.5 * 10 ** -decimals * scale + 1e-9 };
}

/**
 * Every element marked `data-metric="spend.total.cost_usd"` shows the figure the JSON API gives
 * for the page's own filters (`team`, `from`, `to`, `tool`, `preset`, `compare` of its URL), to
 * the page's rounding.
 */
export async function figuresMatchApi(page) {
  const shown = await page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-metric]')).map((el) => ({
      metric: el.getAttribute('data-metric'),
      text: el.textContent.trim(),
    })),
  );
  const problems = [];
  const params = new URL(page.url()).searchParams;
  const query = new URLSearchParams();
  for (const key of ['team', 'from', 'to', 'tool', 'preset', 'compare']) if (params.get(key)) query.set(key, params.get(key));
  const cache = new Map();
  for (const { metric, text } of shown) {
    const [source, ...rest] = metric.split('.');
    const endpoint = endpoints[source];
    if (!endpoint) {
      problems.push(`figure ${metric}: no API for "${source}"`);
      continue;
    }
    if (!cache.has(endpoint)) {
      const res = await page.request.get(new URL(`${endpoint}?${query}`, page.url()).href);
      cache.set(endpoint, res.ok() ? await res.json() : { error: `HTTP ${res.status()}` });
    }
    const json = cache.get(endpoint);
    const expected = follow(json, rest.join('.'));
    const seen = parseShown(text);
    if (typeof expected !== 'number') {
      problems.push(`figure ${metric} "${text}": the API has no number there (${json.error ?? typeof expected})`);
    } else if (!seen) {
      problems.push(`figure ${metric} "${text}" is not a number; the API says ${expected}`);
    } else if (Math.abs(seen.value - expected) > seen.tolerance) {
      problems.push(`figure ${metric} shows "${text}", the API says ${expected} for ?${query}`);
    }
  }
  return { checked: shown.length, problems };
}

/**
 * Chart text renders at the charts' own size: an SVG scales with its card, so the 13px text of a
 * 640-wide chart stretched over a full-width card at 1280px reads at twice the size of its
 * neighbours'. At most `max` px, and (with more than one chart) within a fifth of the page's
 * smallest chart text.
 */
export async function chartTextSizes(page, max) {
  const sizes = await page.evaluate(() =>
    Array.from(document.querySelectorAll('svg.chart-svg')).map((svg) => {
      const box = svg.viewBox.baseVal;
      const font = Number(svg.getAttribute('font-size') || 13);
      return { name: svg.getAttribute('aria-label'), px: box && box.width ? (font * svg.clientWidth) / box.width : font };
    }),
  );
  const smallest = Math.min(...sizes.map((s) => s.px));
  return sizes
    .filter((s) => s.px > max || s.px > smallest * 1.2)
    .map((s) => `chart "${s.name}" text renders at ${s.px.toFixed(1)}px (smallest ${smallest.toFixed(1)}px, at most ${max}px)`);
}

/** An unknown page: status 404, a heading, and the navigation when signed in. */
export async function notFound(page, base, signedIn) {
  const problems = [];
  const response = await page.goto(`${base}/no-such-page/here`);
  if (response?.status() !== 404) problems.push(`unknown page answered ${response?.status()}, not 404`);
  if (!(await page.$('h1'))) problems.push('unknown page has no heading');
  if (signedIn && !(await page.$('nav.nav a'))) problems.push('unknown page lost the navigation');
  const api = await page.request.get(`${base}/api/v1/no-such-thing`);
  const body = await api.json().catch(() => null);
  if (api.status() !== 404 || typeof body?.error !== 'string') {
    problems.push(`unknown API path answered ${api.status()} ${JSON.stringify(body)}, not 404 {"error"}`);
  }
  return problems;
}
