// Builds what `npm start` runs: the server bundled by esbuild, the web app by Vite.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync } from 'node:fs';
import { serverDataFolders } from './server-data-folders.mjs';

const only = process.argv[2];
if (only !== 'web') {
  await build({
    entryPoints: { main: 'server/src/main.ts', 'audit-verify': 'scripts/audit-verify.ts', generate: 'scripts/generate.ts', import: 'scripts/import.ts' },
    outdir: 'dist/server',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  for (const folder of serverDataFolders) {
    for (const file of readdirSync(folder).filter((name) => !name.endsWith('.md'))) {
      cpSync(`${folder}/${file}`, `dist/server/data/${file}`);
    }
  }
}
if (only !== 'server') {
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
}
