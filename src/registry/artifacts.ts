import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DataError, UsageError } from '../core/errors.js';
import type { ArtifactStore } from './types.js';

/**
 * A content-addressed folder: the bytes whose SHA-256 is `h` live in
 * `root/<h[0..2]>/<h>`. The two-letter subfolders keep any one folder small
 * when there are many thousands of artifacts.
 *
 * Writes go to a temporary file in the target's own folder (a rename is
 * atomic only within one file system), are flushed to disk, renamed into
 * place, and the folder entry is flushed too, so after `put` returns the file
 * survives a power cut and a reader never sees half of it. Two processes
 * storing the same bytes at once each write their own temporary file; both
 * renames succeed and leave the same content.
 */
export function createArtifactStore(root: string): ArtifactStore {
  const folder = resolve(root);
  const pathOf = (hash: string): string => {
    checkHash(hash);
    return join(folder, hash.slice(0, 2), hash);
  };

  return {
    root: folder,

    async put(bytes) {
      const hash = sha256(bytes);
      const path = pathOf(hash);
      // An intact copy is left alone; a damaged one (truncated, a byte
      // flipped) is replaced, which is how re-registering repairs it.
      if (await holds(path, bytes)) return hash;
      await writeDurably(path, bytes);
      return hash;
    },

    async get(hash) {
      const path = pathOf(hash);
      const bytes = await readArtifact(path, hash);
      const actual = sha256(bytes);
      if (actual !== hash) {
        throw new DataError(
          'registry.artifact-corrupt',
          `artifact file "${path}" is damaged: its content hashes to ${actual}, not ${hash}`,
          {
            location: { source: path },
            hint: 'restore the file from a backup, or register the model again (which rewrites it)',
          },
        );
      }
      return bytes;
    },

    async has(hash) {
      const path = pathOf(hash);
      try {
        return (await stat(path)).isFile();
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },

    async remove(hash) {
      // The two-letter folder is kept: another process may be writing into it.
      await rm(pathOf(hash), { force: true });
    },
  };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const HASH = /^[0-9a-f]{64}$/;

/** Only 64 lowercase hex digits name a file, so no hash can reach outside the folder. */
function checkHash(hash: string): void {
  if (typeof hash === 'string' && HASH.test(hash)) return;
  const shown = typeof hash === 'string' ? JSON.stringify(hash.slice(0, 80)) : typeof hash;
  throw new UsageError('registry.artifact-hash', `${shown} is not an artifact hash`, {
    location: { field: 'hash' },
    hint: 'an artifact hash is a SHA-256 digest written as 64 lowercase hexadecimal digits',
  });
}

async function readArtifact(path: string, hash: string): Promise<Uint8Array> {
  try {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new DataError('registry.artifact-missing', `artifact file "${path}" (${hash}) does not exist`, {
      location: { source: path },
      hint: 'the artifact folder was moved, cleaned or is not mounted here; restore the file or point the store at the right folder',
    });
  }
}

async function holds(path: string, bytes: Uint8Array): Promise<boolean> {
  try {
    const existing = await stat(path);
    if (existing.size !== bytes.byteLength) return false;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(await readFile(path));
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  // pid + random: unique across processes and across concurrent puts in one process.
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncFolder(dir);
}

/** Flushes the folder's entry for the renamed file; some platforms (Windows) cannot open a folder, and do not need this. */
async function syncFolder(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
