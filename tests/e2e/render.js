// Opens a LeakHound page in the system's headless Chromium and prints what it shows as JSON (for the C# tests).
// Usage: node render.js URL [screenshot.png] [waitExpression] [timeoutMs]
// The page must expose window.leakhoundReport (report) or window.leakhoundDashboard (dashboard) with .ready and .charts.
const { chromium } = require('playwright-core');

const [url, screenshot, waitFor = 'window.leakhoundReport && window.leakhoundReport.ready', timeoutMs = '30000'] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

(async () => {
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const requests = [];
    page.on('request', r => requests.push(r.url()));
    const errors = [];
    page.on('pageerror', e => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(waitFor, null, { timeout: Number(timeoutMs) });
    const state = await page.evaluate(() => {
      const s = window.leakhoundReport || window.leakhoundDashboard;
      return {
        charts: s.charts.map(c => ({ name: c.name, verdict: c.verdict, points: c.points, floorPoints: c.floorPoints,
          canvases: c.plot ? c.plot.root.querySelectorAll('canvas').length : 0 })),
        badges: [...document.querySelectorAll('.badge')].map(b => b.textContent),
        summaryRows: document.querySelectorAll('#summary-table tbody tr').length,
        text: document.body.innerText,
        marks: s.marks || 0, marksDrawn: s.marksDrawn || 0,
      };
    });
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    console.log(JSON.stringify({ ...state, requests, errors }));
  } finally {
    await browser.close();
  }
})().catch(e => { console.error(String(e && e.stack || e)); process.exit(1); });
