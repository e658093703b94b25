import { inflateRawSync } from 'node:zlib';

import { DataFileError } from '@counterweight/runtime/base';

/**
 * Extracts one member of a ZIP archive held in memory (stored or deflate members, no ZIP64, no encryption): enough
 * for UCI's `bank+marketing.zip` and the zips inside it. Looks the member up in the central directory.
 * @param where named in errors (file or URL).
 * @throws DataFileError naming `where` when the archive is malformed, uses an unsupported feature, or lacks `name`
 *   (the message lists the members).
 */
export function extractZipEntry(zip: Uint8Array, name: string, where: string): Buffer {
  const bytes = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i -= 1) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new DataFileError({ file: where }, 'not a ZIP archive (no end-of-central-directory record)');
  const entries = bytes.readUInt16LE(eocd + 10);
  let offset = bytes.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let e = 0; e < entries; e += 1) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== 0x02014b50) {
      throw new DataFileError({ file: where }, `corrupt ZIP central directory at byte ${offset}`);
    }
    const method = bytes.readUInt16LE(offset + 10);
    const compressedSize = bytes.readUInt32LE(offset + 20);
    const size = bytes.readUInt32LE(offset + 24);
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    const local = bytes.readUInt32LE(offset + 42);
    const entryName = bytes.toString('utf8', offset + 46, offset + 46 + nameLength);
    names.push(entryName);
    offset += 46 + nameLength + extraLength + commentLength;
    if (entryName !== name) continue;
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) throw new DataFileError({ file: where }, `corrupt ZIP local header of ${name}`);
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(start, start + compressedSize);
    let out: Buffer;
    if (method === 0) out = Buffer.from(data);
    else if (method === 8) {
      try {
        out = inflateRawSync(data);
      } catch (error) {
        throw new DataFileError({ file: where }, `cannot inflate ${name}: ${(error as Error).message}`, { cause: error });
      }
    } else throw new DataFileError({ file: where }, `${name} uses ZIP compression method ${method}; only stored (0) and deflate (8) are supported`);
    if (out.length !== size) throw new DataFileError({ file: where }, `${name}: ${out.length} bytes extracted, the directory says ${size}`);
    return out;
  }
  throw new DataFileError({ file: where }, `has no member ${JSON.stringify(name)}; members: ${names.map((n) => JSON.stringify(n)).join(', ')}`);
}
