// Signs in through single sign-on in Debian's chromium, for tests/tests/sso.rs.
//
// Reads a plan (JSON file named by AGENTMETER_BROWSER_PLAN): the server's base URL, chromium's
// path and the provider account to sign in as. Opens the login page, clicks "Sign in with …",
// signs in at the provider's development login form (login = account id, any password),
// consents, and prints one JSON object: what the login page offered, where the browser ended,
// the status and text of that page, and /api/v1/me as the resulting session sees it (null when
// there is no session).
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

const plan = JSON.parse(readFileSync(process.env.AGENTMETER_BROWSER_PLAN, 'utf8'));
const browser = await chromium.launch({
  executablePath: plan.chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--no-first-run'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const base = new URL(plan.base);
// The provider's development pages pull a web font; nothing outside this machine is reachable.
await page.route((url) => url.hostname !== base.hostname, (route) => route.abort());

await page.goto(`${plan.base}/login`);
const sso = page.locator('a[href^="/auth/oidc/start"]');
const loginPage = {
  sso_button: (await sso.count()) === 1 ? (await sso.innerText()).trim() : null,
  password_form: (await page.locator('input[name="password"]').count()) > 0,
};

// Every navigation of the flow answers before the next step; the last one lands back on us.
let lastStatus = null;
page.on('response', (res) => {
  if (res.request().isNavigationRequest() && res.url().startsWith(plan.base)) lastStatus = res.status();
});
await Promise.all([page.waitForURL((url) => url.origin !== base.origin), sso.click()]);
await page.fill('input[name="login"]', plan.account);
await page.fill('input[name="password"]', 'any password: the development form takes any');
await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
if (new URL(page.url()).origin !== base.origin) {
  // The consent page: "Continue".
  await Promise.all([page.waitForURL((url) => url.origin === base.origin), page.click('button[type="submit"]')]);
}
await page.waitForLoadState('load');
const landed = { path: new URL(page.url()).pathname, status: lastStatus, text: await page.evaluate(() => document.body.innerText) };

const me = await page.evaluate(async () => {
  const res = await fetch('/api/v1/me');
  return res.ok ? res.json() : null;
});
await browser.close();
process.stdout.write(JSON.stringify({ login_page: loginPage, landed, me }));
