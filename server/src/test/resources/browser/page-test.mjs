// Drives the web page at / in headless Chromium (playwright-core): node page-test.mjs <baseUrl> <apiKey> <image.png> <chromium>
// Prints "OK" and exits 0 when every check passes; otherwise prints what failed and exits 1.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

const [baseUrl, apiKey, imagePath, executablePath] = process.argv.slice(2);
// The flags the machine notes give for a closed network: without the background ones Chromium keeps dialling out.
const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const fail = msg => { throw new Error(msg); };
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(baseUrl + '/');
  await page.fill('#apiKey', apiKey);
  await page.dispatchEvent('#apiKey', 'change');
  // The vector list comes from GET /v1/vectors; no text-capable vector here, so no text search form.
  await page.waitForSelector('#vector option', { state: 'attached', timeout: 15000 });
  if (await page.isVisible('#byText')) fail('text search shown without a text-capable vector');

  // Search by choosing a file: a grid of thumbnails with scores.
  await page.setInputFiles('#file', imagePath);
  await page.waitForSelector('#out .card', { timeout: 30000 });
  const ids = await page.$$eval('#out .card', cs => cs.map(c => c.dataset.id));
  if (!ids.includes('base')) fail('search by image did not find "base": ' + ids);
  if (ids.includes('secret')) fail('another tenant\'s image in the results');
  await page.waitForFunction(() => [...document.querySelectorAll('#out img.thumb')].some(i => i.complete && i.naturalWidth > 0),
    null, { timeout: 15000 });
  const sizes = await page.$$eval('#out img.thumb', is => is.filter(i => i.naturalWidth > 0).map(i => Math.max(i.naturalWidth, i.naturalHeight)));
  if (!sizes.length || sizes.some(s => s > 128)) fail('thumbnails missing or over 128 px: ' + sizes);
  const status = await page.textContent('#status');
  if (!/vector/.test(status)) fail('the vector used is not shown: ' + status);

  // Raising the minimum score to 1 filters the grid down (an exact copy scores 1).
  await page.$eval('#minScore', el => { el.value = '0.99'; el.dispatchEvent(new Event('input')); el.dispatchEvent(new Event('change')); });
  await page.waitForFunction(() => /min score 0\.99/.test(document.querySelector('#status').textContent), null, { timeout: 15000 });
  const scores = await page.$$eval('#out .card .score', ss => ss.map(s => Number(s.textContent)));
  if (scores.some(s => s < 0.99)) fail('min score slider not applied: ' + scores);
  await page.$eval('#minScore', el => { el.value = '0'; el.dispatchEvent(new Event('input')); el.dispatchEvent(new Event('change')); });
  await page.waitForFunction(() => /min score 0\.00/.test(document.querySelector('#status').textContent), null, { timeout: 15000 });

  // Clicking a result shows its duplicates and similar images.
  await page.click('#out .card[data-id="base"]');
  await page.waitForSelector('#dups .card, #dups p', { timeout: 15000 });
  const dups = await page.$$eval('#dups .card', cs => cs.map(c => c.dataset.id));
  if (!dups.includes('base-small')) fail('duplicates of base do not list base-small: ' + dups);
  await page.waitForSelector('#sims .card', { timeout: 15000 });

  // The duplicates view: base and base-small form a group, its pair listed with a similarity.
  await page.click('#dupRefresh');
  await page.waitForFunction(() => [...document.querySelectorAll('#dupGroups .group')]
    .some(g => g.querySelector('.card[data-id="base"]') && g.querySelector('.card[data-id="base-small"]')), null, { timeout: 30000 });
  const pairs = await page.$$eval('#dupGroups .group .pairs li', ls => ls.map(l => l.textContent));
  if (!pairs.some(p => /base-small ≈ base 0\.\d{4}|base ≈ base-small 0\.\d{4}/.test(p))) fail('no pair line with a similarity: ' + pairs);
  if (!/groups 1–/.test(await page.textContent('#dupStatus'))) fail('no paging status: ' + await page.textContent('#dupStatus'));

  // axe-core's accessibility rules: no violation above minor (landmarks, names, keyboard access to scrolling lists).
  await page.addScriptTag({ content: readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8') });
  const violations = await page.evaluate(async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
    .filter(v => v.impact !== 'minor').map(v => `${v.id} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`));
  if (violations.length) fail('accessibility: ' + violations.join('; '));
  // On a phone's width nothing makes the page scroll sideways (a long vector description in the select did).
  await page.setViewportSize({ width: 390, height: 800 });
  if (await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)) fail('the page scrolls sideways at 390 px');
  await page.setViewportSize({ width: 1280, height: 720 });

  // What a person would see: the results, the duplicates and the similar images, the groups.
  await page.screenshot({ path: 'page.png', fullPage: true });

  // An id nobody uploaded: an error in the details, not a broken page.
  await page.fill('#imageId', 'no-such-image');
  await page.press('#imageId', 'Enter');
  await page.waitForSelector('#dups p.err', { timeout: 15000 });
  if (errors.length) fail('page errors: ' + errors.join('; '));
  console.log('OK');
} catch (e) {
  console.log('FAILED: ' + e.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
