// Drives window.lookbook from Playwright (playwright-core with the system Chromium), as most
// people's automation would. Usage: node playwright_api.mjs URL CHROMIUM IMAGES.json
// IMAGES.json holds test images as arrays of 1024 values; the answers go to stdout as JSON.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const [url, executablePath, imagesFile] = process.argv.slice(2);
const images = JSON.parse(readFileSync(imagesFile, "utf8"));
const browser = await chromium.launch({
	executablePath,
	args: ["--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
	const page = await browser.newPage();
	await page.goto(url);
	const failure = await page.evaluate(() => Promise.race([lookbook.ready.then(() => ""), lookbook.failed]));
	if (failure) throw new Error("the app failed to start: " + failure);
	const out = {};
	// One image at a time, in a function with an argument (Playwright's usual form)…
	out.logits = [];
	for (const image of images) {
		out.logits.push(await page.evaluate((px) => Array.from(lookbook.classify(new Float32Array(px)).logits), image));
	}
	// …all of them as one batch…
	out.batch = await page.evaluate((all) => Array.from(lookbook.classifyBatch(new Float32Array(all.flat()))), images);
	// …and as a string expression, which Playwright evaluates differently.
	out.view = await page.evaluate("lookbook.state().view");
	out.link = await page.evaluate(() => lookbook.shareLink());
	out.badCall = await page.evaluate(() => { try { lookbook.classify(new Float32Array(3)); return "accepted"; } catch (e) { return String(e); } });
	// The page's eval stays the browser's (the CSP refuses it to the page's own scripts).
	out.evalIsNative = await page.evaluate(() => window.eval.toString().includes("[native code]"));
	console.log(JSON.stringify(out));
} finally {
	await browser.close();
}
