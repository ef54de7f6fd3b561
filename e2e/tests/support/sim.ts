// The simulator's control door (`/api/sim/...`), as a test sets the stage.
import { expect } from '@playwright/test';

/** POSTs JSON to a simulator control, e.g. `speed` or `faults`; fails the test on an error. */
export async function simPost(baseURL: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${baseURL}/api/sim/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.ok, `POST /api/sim/${path}: ${await response.text()}`).toBe(true);
}
