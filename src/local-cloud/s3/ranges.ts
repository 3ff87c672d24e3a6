// Byte ranges as S3 reads a GET's Range header. Pure.
import { S3Error } from './errors.js';

/**
 * The Range header to send on for a `range` request header and an object of `size` bytes, as S3 reads it:
 * one range, first-last, first- or -suffix; anything else S3 ignores (the whole object, 200). A range
 * starting past the end is InvalidRange (416).
 */
export function resolveRange(range: string, size: number): string | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!match) return null;
  const [, first = '', last = ''] = match;
  const unsatisfiable = () =>
    new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, {
      RangeRequested: range,
      ActualObjectSize: String(size),
    });
  if (first === '') {
    if (last === '') return null;
    const suffix = Number(last);
    if (suffix === 0) throw unsatisfiable();
    // How S3 answers a range on an empty object is not known here: the local cloud sends the whole (empty) object.
    if (size === 0) return null;
    return `bytes=${Math.max(0, size - suffix)}-${size - 1}`;
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) throw unsatisfiable();
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return `bytes=${start}-${end}`;
}
