// Formatting for the screens: numbers, durations, sizes, clock times, fitting text to a width. Pure.

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 12,345 */
export function count(n: number): string {
  return Number.isFinite(n) ? grouped.format(Math.round(n)) : '∞';
}

/** "1 object", "12,345 objects". */
export function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** An events-a-second figure: "max" for an unlimited rate. */
export function rate(n: number): string {
  return Number.isFinite(n) ? `${count(n)}/s` : 'max';
}

/** 950ms, 4.2s, 1m 05s, 1h 02m */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** 512 B, 1.5 KiB, 3.2 MiB */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** HH:MM:SS in local time. */
export function clock(time: number | Date): string {
  const d = typeof time === 'number' ? new Date(time) : time;
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Text cut to `width` characters, with an ellipsis when cut. */
export function clip(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width === 1) return '…';
  return `${chars.slice(0, width - 1).join('')}…`;
}

/** Text cut or padded to exactly `width` characters. */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fitted = clip(text, width);
  const pad = ' '.repeat(Math.max(0, width - [...fitted].length));
  return align === 'right' ? pad + fitted : fitted + pad;
}

/** The tail of a long identifier (sequence numbers, keys), which is where they differ. */
export function tail(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return '…';
  return `…${chars.slice(chars.length - width + 1).join('')}`;
}

/**
 * Text broken into lines of at most `width` characters, at spaces; a word longer than a line (an ARN, a
 * path) is broken where the line ends, so nothing is ever cut off. Explicit newlines are kept.
 */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    // Leading spaces (an indent) stay with the first line.
    const lead = (/^ */.exec(paragraph)?.[0] ?? '').slice(0, w - 1);
    let line: string[] = [...lead];
    let words = 0;
    const flush = () => {
      lines.push(line.join(''));
      line = [];
      words = 0;
    };
    for (const word of paragraph.trimStart().split(' ')) {
      let chars = [...word];
      const room = w - line.length - (words > 0 ? 1 : 0);
      if (chars.length <= room) {
        if (words > 0) line.push(' ');
        line.push(...chars);
        words++;
        continue;
      }
      if (words > 0) flush();
      while (line.length + chars.length > w) {
        // A long identifier breaks after one of its separators when it has one in reach.
        const fits = w - line.length;
        if (fits <= 0) {
          flush();
          continue;
        }
        const head = chars.slice(0, fits);
        let at = fits;
        for (let i = fits - 1; i >= Math.floor(fits / 2); i--) {
          if ('/:-._,'.includes(head[i] ?? '')) {
            at = i + 1;
            break;
          }
        }
        line.push(...chars.slice(0, at));
        chars = chars.slice(at);
        words++;
        flush();
      }
      line.push(...chars);
      words++;
    }
    flush();
  }
  return lines;
}
