import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from './errors.js';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [full] : [];
  });
}

describe('error catalogue', () => {
  const serverSource = sourceFiles('server/src').map((file) => fs.readFileSync(file, 'utf8')).join('\n');

  it('lists only codes the server can actually answer with', () => {
    const unused = Object.keys(errorCatalogue).filter((code) => !serverSource.includes(`'${code}'`));
    expect(unused).toEqual([]);
  });

  it('gives every code a 4xx or 5xx status and a message without placeholders', () => {
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
      expect(entry.message, code).toMatch(/^[A-Z].*[.!]$/);
    }
  });
});
