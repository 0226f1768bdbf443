import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from './data-dir-lock.js';

const folders: string[] = [];
const children: ChildProcess[] = [];

function temporaryFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-lock-'));
  folders.push(folder);
  return folder;
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const finished = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
  const pid = finished.pid;
  expect(() => process.kill(pid, 0)).toThrow();
  return pid;
}

/** A process that stays alive until the test file ends. */
function livePid(): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  expect(child.pid).toBeTypeOf('number');
  return child.pid!;
}

afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('the embedded database folder lock', () => {
  it('creates the lock file holding this process id and removes it on release', () => {
    const folder = temporaryFolder();
    const lockFile = path.join(folder, 'medassist.lock');
    const release = lockDataDir(folder);
    expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
    release();
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it('takes over a lock left by a process that died (kill -9, power loss)', () => {
    const folder = temporaryFolder();
    const lockFile = path.join(folder, 'medassist.lock');
    fs.writeFileSync(lockFile, String(deadPid()));
    const release = lockDataDir(folder);
    expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
    release();
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it('takes over a lock file that holds no process id (torn write)', () => {
    const folder = temporaryFolder();
    fs.writeFileSync(path.join(folder, 'medassist.lock'), '');
    const release = lockDataDir(folder);
    expect(fs.readFileSync(path.join(folder, 'medassist.lock'), 'utf8')).toBe(String(process.pid));
    release();
  });

  it('refuses a folder locked by a live process, naming that process, and leaves its lock alone', () => {
    const folder = temporaryFolder();
    const lockFile = path.join(folder, 'medassist.lock');
    const holder = livePid();
    fs.writeFileSync(lockFile, String(holder));
    let refusal: unknown;
    try {
      lockDataDir(folder);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DataDirInUseError);
    expect((refusal as Error).message).toContain(`in use by another Medassist process (pid ${holder})`);
    expect((refusal as Error).message).toContain(folder);
    expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(holder));
  });

  it('does not remove a lock that another process took after ours was taken over', () => {
    const folder = temporaryFolder();
    const lockFile = path.join(folder, 'medassist.lock');
    const release = lockDataDir(folder);
    const other = livePid();
    fs.writeFileSync(lockFile, String(other));
    release();
    expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(other));
  });

  it('creates the folder when it does not exist yet', () => {
    const folder = path.join(temporaryFolder(), 'nested', 'data');
    const release = lockDataDir(folder);
    expect(fs.existsSync(path.join(folder, 'medassist.lock'))).toBe(true);
    release();
  });
});
