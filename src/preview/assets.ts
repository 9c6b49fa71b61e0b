/**
 * The browser side of the preview, bundled with esbuild when the preview starts (about half a second): the
 * host page (React 18.3.1 + react-dom, @remote-ui/react/host) and the worker bootstrap (React 18.3.1,
 * @remote-ui/react, @remote-ui/core, @remote-ui/rpc — the same copies @hubspot/ui-extensions uses, since the
 * card bundle leaves `react` and `@remote-ui/react` to the worker's globals).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface PreviewAssets {
  readonly 'host.js': string;
  readonly 'host.css': string;
  readonly 'worker.js': string;
}

const BROWSER_DIR = join(dirname(fileURLToPath(import.meta.url)), 'browser');

export async function buildPreviewAssets(): Promise<PreviewAssets> {
  const result = await build({
    entryPoints: { host: join(BROWSER_DIR, 'host/main.tsx'), worker: join(BROWSER_DIR, 'worker/worker.ts') },
    bundle: true,
    write: false,
    outdir: '/assets',
    format: 'iife',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari16'],
    jsx: 'automatic',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    tsconfig: join(BROWSER_DIR, 'tsconfig.json'),
  });
  const file = (name: string): string => {
    const out = result.outputFiles.find((f) => f.path.endsWith(`/${name}`));
    if (!out) throw new Error(`preview assets: esbuild produced no ${name}`);
    return out.text;
  };
  return { 'host.js': file('host.js'), 'host.css': file('host.css'), 'worker.js': file('worker.js') };
}
