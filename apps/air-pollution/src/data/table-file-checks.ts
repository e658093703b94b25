import { closeSync, openSync, readSync, statSync } from 'node:fs';

import { DataFileError } from '@counterweight/runtime';

import type { StationFileFormat } from './read-station-table.js';

const PARQUET_MAGIC = 'PAR1';
const ARROW_MAGIC = 'ARROW1';

/** `count` bytes of `file` from `position` (fewer at the end of the file). */
function readBytes(file: string, position: number, count: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(count);
    const n = readSync(fd, buffer, 0, count, position);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks, before any parser sees it, that `file` is a non-empty file that can be the station table `format` says:
 * not a folder, not 0 bytes; a Parquet file starts and ends with its magic `PAR1`; an Arrow IPC file either starts
 * and ends with `ARROW1` (file format) or starts with the stream format's continuation marker `0xFFFFFFFF`. CSV
 * content is checked by the reader itself (a CSV file has no magic).
 * @throws DataFileError naming the file and what it is instead (a folder; empty; where the magic is missing and so
 *   whether it looks truncated or of another format).
 */
export function checkTableFile(file: string, format: StationFileFormat): void {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) throw new DataFileError({ file }, 'file not found');
  if (stat.isDirectory()) throw new DataFileError({ file }, `is a folder, not a station table file; give its files, e.g. "${file.replace(/\/$/, '')}/*.csv.gz"`);
  const kind = format === 'csv' ? 'CSV' : format === 'parquet' ? 'Parquet' : 'Arrow IPC';
  if (stat.size === 0) throw new DataFileError({ file }, `is empty (0 bytes); expected a ${kind} station table`);
  if (format === 'csv') return;
  const head = readBytes(file, 0, 8);
  const tail = readBytes(file, Math.max(0, stat.size - 8), 8);
  const what = (bytes: Buffer): string => (bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (it is gzip-compressed)' : '');
  if (format === 'parquet') {
    if (head.subarray(0, 4).toString('latin1') !== PARQUET_MAGIC) {
      throw new DataFileError({ file }, `is not a Parquet file: its first 4 bytes are not the magic ${PARQUET_MAGIC}${what(head)}`);
    }
    if (stat.size < 12 || tail.subarray(tail.length - 4).toString('latin1') !== PARQUET_MAGIC) {
      throw new DataFileError({ file }, `is truncated or corrupt: a Parquet file ends with the magic ${PARQUET_MAGIC}, this one's ${stat.size} bytes do not`);
    }
    return;
  }
  if (head.subarray(0, 6).toString('latin1') === ARROW_MAGIC) {
    if (stat.size < 12 || tail.subarray(tail.length - 6).toString('latin1') !== ARROW_MAGIC) {
      throw new DataFileError({ file }, `is truncated or corrupt: an Arrow IPC file ends with the magic ${ARROW_MAGIC}, this one's ${stat.size} bytes do not`);
    }
    return;
  }
  if (head.length < 8 || head.readUInt32LE(0) !== 0xffffffff) {
    throw new DataFileError({ file }, `is not an Arrow IPC file: it starts neither with the magic ${ARROW_MAGIC} (file format) nor with 0xFFFFFFFF (stream format)${what(head)}`);
  }
}
