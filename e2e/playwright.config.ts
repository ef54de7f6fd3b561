// Playwright runs Debian's Chromium (`npx playwright install` cannot download a
// browser here) against the release backend in simulator mode, serving the
// console that release build embeds (the release UI build, split into
// chunks): it runs in a directory of its own, with no --ui-dir, as an
// installed binary does. `cargo xtask test` builds the UI, then the backend.
import * as os from 'node:os';
import * as path from 'node:path';
import { defineConfig } from '@playwright/test';

const PORT = 4173;
const BASE_URL = `http://127.0.0.1:${PORT}`;
// `cargo xtask test` passes the binary it built (it honours CARGO_TARGET_DIR).
const BACKEND = path.resolve(process.env.CMCONSOLE_BIN ?? '../target/release/cmconsole');

export default defineConfig({
  testDir: './tests',
  outputDir: './artifacts/test-results',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { outputFolder: 'playwright-report', open: 'never' }]],
  use: {
    baseURL: BASE_URL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    // `--server-limit 50`: the suite creates more servers than the default limit of 10.
    command: `${BACKEND} serve --in-memory --speed 60 --server-limit 50 --listen 127.0.0.1:${PORT}`,
    cwd: os.tmpdir(),
    url: `${BASE_URL}/api/health`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
