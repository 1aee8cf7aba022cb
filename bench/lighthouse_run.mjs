// Lighthouse 12 (bench/.node, installed by `make bench`) over the kiosk, the QR survey and the
// public page, in Debian's Chromium started here through puppeteer-core. Run by
// bench/lighthouse_bench.py, which serves the demo with gunicorn and passes one JSON argument:
//   {"node_dir": ..., "runs": N, "pages": [{"name", "url", "pair_urls"?: [one per run]}]}
// A page with pair_urls (one-time pairing codes) is the kiosk: the tablet is paired first (pair.js
// stores the device token in localStorage and lands on /kiosk/), then its service worker, its
// caches and the HTTP cache are cleared while localStorage is kept (Lighthouse's own storage reset
// would unpair it), so the audited load is a freshly paired tablet's first load.
// After the first run of the kiosk and of the survey, the screens a navigation never shows are
// audited too, as accessibility snapshots of the page in that state: the kiosk's reasons,
// follow-up question, comment (reply details and their error), thank-you, large-text and English
// screens; the survey with a low score (reasons shown, reply details open), with the server's
// error messages, and its thank-you page.
// Prints one JSON object on stdout: {"runs": {name: [lhr of each run]},
// "snapshots": [{"page", "screen", "lhr"}]}.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const job = JSON.parse(process.argv[2]);
const require = createRequire(join(job.node_dir, "package.json"));
const { default: lighthouse, snapshot } = await import(pathToFileURL(require.resolve("lighthouse")).href);
const puppeteer = require("puppeteer-core");

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  headless: false, // the mode comes from the flag below, as the issue runs it
  args: ["--headless=new", "--no-sandbox", "--disable-gpu"],
});

async function pairKiosk(page, pairUrl, target) {
  await page.goto(pairUrl);
  await page.waitForFunction((url) => location.href === url, { timeout: 30000 }, target);
  await page.waitForSelector("#faces-first button", { timeout: 30000 });
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
    for (const key of await caches.keys()) await caches.delete(key);
  });
  const session = await page.createCDPSession();
  await session.send("Network.clearBrowserCache");
  await session.detach();
}

// Clicks the first element matching the selector (hidden screens' copies have no box).
async function click(page, selector) {
  await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].some((el) => el.getClientRects().length), {}, selector);
  await page.evaluate((sel) => [...document.querySelectorAll(sel)].find((el) => el.getClientRects().length).click(), selector);
}

async function onScreen(page, name) {
  await page.waitForFunction((n) => document.body.dataset.screen === n, { timeout: 30000 }, name);
  await new Promise((resolve) => setTimeout(resolve, 400)); // past the faces' 350 ms settling
}

const KIOSK_SCREENS = [
  ["large text", async (page) => {
    await onScreen(page, "start");
    await click(page, "#text-size");
  }],
  ["reasons", async (page) => {
    await click(page, "#text-size");
    await click(page, '#faces-first button[data-score="2"]');
    await onScreen(page, "reasons");
    await click(page, "#chips button");
  }],
  ["follow-up question", async (page) => {
    await click(page, '#s-reasons [data-action="next"]');
    await onScreen(page, "criterion");
  }],
  ["comment, reply details and their error", async (page) => {
    while (await page.evaluate(() => document.body.dataset.screen) === "criterion") {
      await click(page, '#s-criterion [data-action="next"]');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await onScreen(page, "comment");
    await click(page, "#reply");
    await click(page, '#comment-form button[type="submit"]');
    await page.waitForSelector("#reply-error:not([hidden])");
  }],
  ["thank-you", async (page) => {
    await click(page, "#reply");
    await click(page, '#comment-form button[type="submit"]');
    await onScreen(page, "thanks");
  }],
  ["English", async (page) => {
    await onScreen(page, "start");
    await click(page, "#lang");
  }],
];

const SURVEY_SCREENS = [
  ["low score, reply details open", async (page) => {
    await click(page, "#q-overall input[data-low]");
    await page.evaluate(() => { document.querySelector("details.sv-reply").open = true; });
    await page.waitForSelector("#sv-reasons:not([hidden])");
  }],
  ["the server's error messages", async (page) => {
    await page.evaluate(() => {
      for (const input of document.querySelectorAll("#survey-form input[type=radio]")) input.checked = false;
      document.querySelector("#survey-form").noValidate = true;
    });
    await Promise.all([page.waitForNavigation(), click(page, "#survey-form button[type=submit]")]);
  }],
  ["thank-you", async (page) => {
    await page.evaluate(() => {
      for (const group of document.querySelectorAll("#survey-form fieldset.sv-q")) group.querySelectorAll("input")[3].checked = true;
    });
    await Promise.all([page.waitForNavigation(), click(page, "#survey-form button[type=submit]")]);
  }],
];
const SCREENS = { kiosk: KIOSK_SCREENS, survey: SURVEY_SCREENS };

const results = { runs: {}, snapshots: [] };
try {
  for (const target of job.pages) {
    results.runs[target.name] = [];
    for (let run = 0; run < job.runs; run++) {
      const page = await browser.newPage();
      if (target.pair_urls) await pairKiosk(page, target.pair_urls[run], target.url);
      const flags = {
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", "accessibility"],
        // Keeps the kiosk's pairing; the other pages get Lighthouse's full reset.
        disableStorageReset: Boolean(target.pair_urls),
      };
      const result = await lighthouse(target.url, flags, undefined, page);
      results.runs[target.name].push(result.lhr);
      if (run === 0) {
        for (const [screen, reach] of SCREENS[target.name] || []) {
          await reach(page);
          const shot = await snapshot(page, { flags: { logLevel: "error", onlyCategories: ["accessibility"] } });
          // What the snapshot saw, printed beside its score, so a step that missed its screen shows.
          const state = await page.evaluate(() => ({
            path: location.pathname,
            screen: document.body.dataset.screen || null,
            large_text: document.documentElement.classList.contains("large-text"),
            lang: document.documentElement.lang,
            errors: document.querySelectorAll(".sv-err, #reply-error:not([hidden])").length,
          }));
          results.snapshots.push({ page: target.name, screen, state, lhr: shot.lhr });
        }
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));
