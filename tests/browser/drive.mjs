// Drives Debian's chromium over the DevTools protocol for tests/tests/browser.rs.
//
// Reads a plan (JSON file named by AGENTMETER_BROWSER_PLAN): the server's base URL, where to save
// screenshots, and per account the pages to visit, the pages that must answer 403 and the texts
// that must never appear (another team's people). Signs in through the login form, visits every
// page at 1280px and 390px, and prints one JSON object: {"visits": n, "screenshots": [...],
// "figures": n, "failures": [...]}. Any console error, failed request, HTTP error, horizontal
// overflow, forbidden text, axe-core violation, chart text scaled up (a chart stretched over a
// full-width card), table column cut off at 1280px, figure that differs from the JSON API's,
// link that drops the filters (`filters`, checked on the pages visited again with them in the
// URL), unknown URL without a 404 page, or axe violation in dark mode (each page visited once
// more with prefers-color-scheme: dark) is a failure.
import { chromium } from 'playwright-core';
import { accessibility, chartTextSizes, clippedColumns, figuresMatchApi, linksKeepFilters, notFound } from './checks.mjs';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const plan = JSON.parse(readFileSync(process.env.AGENTMETER_BROWSER_PLAN, 'utf8'));
const widths = [1280, 390];
const failures = [];
const screenshots = [];
let visits = 0;
let figures = 0;

mkdirSync(plan.screenshots, { recursive: true });
const browser = await chromium.launch({
  executablePath: plan.chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--no-first-run'],
  // Playwright gives every launch a fresh temporary --user-data-dir of its own.
});

const slug = (path) => (path === '/' ? 'overview' : path.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '-')).replace(/-+$/, '');

for (const account of plan.accounts) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  let current = 'login';
  // The status a deliberate visit expects (403 on a forbidden page, 404 on an unknown one).
  let expectStatus = null;
  const fail = (what) => failures.push(`${account.role} ${current}: ${what}`);
  const failAll = (problems) => problems.forEach(fail);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (expectStatus && msg.text().includes(String(expectStatus))) return;
    fail(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => fail(`script error: ${err.message}`));
  page.on('requestfailed', (req) => {
    const error = req.failure()?.errorText ?? '';
    // Chromium cancels a still-pending favicon fetch when the page settles or moves on; that is the
    // browser's choice, not a failed request. Everything else counts.
    if (error === 'net::ERR_ABORTED' && req.url().includes('/static/favicon.svg')) return;
    fail(`request failed: ${req.url()} ${error}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && res.status() !== expectStatus) fail(`HTTP ${res.status()} for ${res.url()}`);
  });

  // Sign in through the form, as a person would.
  await page.goto(`${plan.base}/login`);
  await page.fill('input[name="email"]', account.email);
  await page.fill('input[name="password"]', account.password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
  if (new URL(page.url()).pathname === '/login') fail('sign-in through the form did not leave the login page');
  if (account.landing && new URL(page.url()).pathname !== account.landing) fail(`landed on ${page.url()}, expected ${account.landing}`);

  for (const path of account.pages) {
    current = path;
    for (const width of widths) {
      await page.setViewportSize({ width, height: 900 });
      const response = await page.goto(`${plan.base}${path}`, { waitUntil: 'load' });
      visits += 1;
      if (!response || response.status() !== 200) fail(`status ${response?.status()} at ${width}px`);
      const text = await page.evaluate(() => document.body.innerText);
      for (const secret of account.forbidden_text) {
        if (text.includes(secret)) fail(`shows another team's data: ${secret}`);
      }
      const overflow = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      if (overflow[0] > overflow[1]) fail(`horizontal overflow at ${width}px: scrollWidth ${overflow[0]} > ${overflow[1]}`);
      failAll((await accessibility(page)).map((p) => `${p} at ${width}px`));
      // Every page's charts: a chart stretched over a full-width card draws its text twice as big.
      failAll((await chartTextSizes(page, 16)).map((p) => `${p} at ${width}px`));
      if (width === 1280) {
        failAll(await clippedColumns(page));
        const shown = await figuresMatchApi(page);
        figures += shown.checked;
        failAll(shown.problems);
        if ((account.pages_with_figures ?? []).includes(path) && shown.checked === 0) fail('no figure marked data-metric to compare with the API');
      }
      // Sorting must work: click the first sortable heading of the first table, if any.
      const heading = await page.$('table.sortable thead th');
      if (heading) await heading.click();
      const file = join(plan.screenshots, `${account.role}-${slug(path)}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      screenshots.push(file);
    }
  }

  // The same pages again with filters in the URL: every link to a data page keeps them, and the
  // figures still equal the API's for those filters.
  await page.setViewportSize({ width: 1280, height: 900 });
  for (const path of account.filtered_pages ?? []) {
    const query = new URLSearchParams(account.filters).toString();
    current = `${path}?${query}`;
    const response = await page.goto(`${plan.base}${current}`, { waitUntil: 'load' });
    visits += 1;
    if (!response || response.status() !== 200) fail(`status ${response?.status()}`);
    failAll(await linksKeepFilters(page, account.filters));
    const shown = await figuresMatchApi(page);
    figures += shown.checked;
    failAll(shown.problems);
  }

  // Dark mode (prefers-color-scheme): every page once more at 1280px, its contrast checked by axe.
  await page.emulateMedia({ colorScheme: 'dark' });
  for (const path of account.pages) {
    current = `${path} (dark)`;
    const response = await page.goto(`${plan.base}${path}`, { waitUntil: 'load' });
    visits += 1;
    if (!response || response.status() !== 200) fail(`status ${response?.status()}`);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    if (background === 'rgb(246, 247, 249)') fail('the light background in dark mode');
    failAll(await accessibility(page));
    const file = join(plan.screenshots, `${account.role}-${slug(path)}-1280-dark.png`);
    await page.screenshot({ path: file, fullPage: true });
    screenshots.push(file);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  current = 'unknown page';
  expectStatus = 404;
  failAll(await notFound(page, plan.base, true));
  expectStatus = null;

  for (const path of account.forbidden_pages) {
    current = path;
    expectStatus = 403;
    const response = await page.goto(`${plan.base}${path}`);
    visits += 1;
    if (!response || response.status() !== 403) fail(`expected 403, got ${response?.status()}`);
    if (!(await page.$('h1'))) fail('the 403 page has no heading');
    if (!(await page.$('nav.nav a'))) fail('the 403 page lost the navigation');
    expectStatus = null;
  }
  await context.close();
}

// Signed out, an unknown URL still answers a 404 page with a heading (and no navigation).
{
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const problem of await notFound(page, plan.base, false)) failures.push(`signed out: ${problem}`);
  await context.close();
}

await browser.close();
process.stdout.write(JSON.stringify({ visits, screenshots, figures, failures }));
