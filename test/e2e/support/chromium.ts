import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium: what the browser specs drive (no browser download). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Installs Debian's `chromium` package with apt when {@link CHROMIUM_PATH} is missing (as
 * root, or through `sudo` when there is one), then checks it runs. Throws with apt's output
 * when it cannot be had.
 */
export function ensureChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    const asRoot = process.getuid?.() === 0;
    const prefix = asRoot ? [] : ['sudo', '-n'];
    for (const args of [
      ['apt-get', 'update', '-qq'],
      ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium'],
    ]) {
      const [command = 'apt-get', ...rest] = [...prefix, ...args];
      const result = spawnSync(command, rest, {
        encoding: 'utf8',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      if (result.status !== 0) {
        throw new Error(
          `cannot install chromium (${[command, ...rest].join(' ')} exited ${String(result.status)}): ${result.stderr || result.stdout}`,
        );
      }
    }
  }
  const version = spawnSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) {
    throw new Error(`${CHROMIUM_PATH} does not run: ${version.stderr}`);
  }
}

/** Launches the machine's Chromium, headless, installing it first when missing. */
export async function launchChromium(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Containers run as root without user namespaces; the pages are our own.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}
