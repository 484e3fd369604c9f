// DNS rebinding, as a browser sees it: Chromium resolves NAME to 127.0.0.1 (as an attacker's DNS would after the page
// loaded), opens http://NAME:PORT/ and, as that page, fetches PATH from its own origin. Prints what the page could read.
// Usage: node rebind.js NAME PORT PATH
const { chromium } = require('playwright-core');

const [name, port, path] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

(async () => {
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
      `--host-resolver-rules=MAP ${name} 127.0.0.1`],
  });
  try {
    const page = await browser.newPage();
    const navigation = await page.goto(`http://${name}:${port}/`);
    const read = await page.evaluate(async p => {
      const r = await fetch(p);
      return { status: r.status, body: await r.text() };
    }, path);
    console.log(JSON.stringify({ origin: page.url(), navigationStatus: navigation.status(), ...read }));
  } finally {
    await browser.close();
  }
})().catch(e => { console.error(String(e && e.stack || e)); process.exit(1); });
