// Processes the tests start and stop.
import { readFileSync } from 'node:fs';

/**
 * True while a process with this id runs (signal 0 checks without sending anything). A zombie (exited,
 * waiting to be reaped: an orphan's new parent may be slow to) counts as gone where /proc can tell.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): signal 0 is all there is
  }
}
