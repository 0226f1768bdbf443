import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverDataFolders } from './server-data-folders.mjs';

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('the server bundle’s data files', () => {
  it('copies the data folder of every module that reads one at run time, with no clashing names', () => {
    const readers = sourceFiles('server/src').filter((file) => /new URL\(\s*[`'"]\.\/data\//.test(readFileSync(file, 'utf8')));
    expect(readers.length).toBeGreaterThan(0);
    const needed = [...new Set(readers.map((file) => path.join(path.dirname(file), 'data')))].sort();
    expect([...serverDataFolders].sort()).toEqual(needed);
    const names = serverDataFolders.flatMap((folder) => readdirSync(folder).filter((name) => !name.endsWith('.md')));
    expect(new Set(names).size).toBe(names.length);
  });
});
