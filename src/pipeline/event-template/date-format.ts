// `{{date.now("DD/MMM/YYYY:HH:mm:ss Z")}}`: the Kinesis Data Generator formats dates with moment.js format
// strings, so templates written for it carry them. The tokens people use, compiled once into a function
// per format (a template runs it for every event).

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

interface Parts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** Minutes east of UTC. */
  offset: number;
  time: number;
}

function partsOf(date: Date, utc: boolean): Parts {
  return utc
    ? {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth(),
        day: date.getUTCDate(),
        weekday: date.getUTCDay(),
        hour: date.getUTCHours(),
        minute: date.getUTCMinutes(),
        second: date.getUTCSeconds(),
        ms: date.getUTCMilliseconds(),
        offset: 0,
        time: date.getTime(),
      }
    : {
        year: date.getFullYear(),
        month: date.getMonth(),
        day: date.getDate(),
        weekday: date.getDay(),
        hour: date.getHours(),
        minute: date.getMinutes(),
        second: date.getSeconds(),
        ms: date.getMilliseconds(),
        offset: -date.getTimezoneOffset(),
        time: date.getTime(),
      };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

function zone(offset: number, colon: boolean): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${sign}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`;
}

function dayOfYear(p: Parts): number {
  return Math.round((Date.UTC(p.year, p.month, p.day) - Date.UTC(p.year, 0, 1)) / 86_400_000) + 1;
}

/** ISO 8601 week of the year (weeks start on Monday; week 1 holds the year's first Thursday). */
function isoWeek(p: Parts): number {
  const date = new Date(Date.UTC(p.year, p.month, p.day));
  // To the Thursday of this week: its year is the week's year.
  date.setUTCDate(date.getUTCDate() + 4 - (p.weekday || 7));
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  return Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

const hour12 = (h: number) => h % 12 || 12;

const TOKENS: Record<string, (p: Parts) => string> = {
  YYYY: (p) => pad(p.year, 4),
  YY: (p) => pad(p.year % 100),
  Q: (p) => String(Math.floor(p.month / 3) + 1),
  MMMM: (p) => MONTHS[p.month] as string,
  MMM: (p) => (MONTHS[p.month] as string).slice(0, 3),
  MM: (p) => pad(p.month + 1),
  Mo: (p) => ordinal(p.month + 1),
  M: (p) => String(p.month + 1),
  DDDD: (p) => pad(dayOfYear(p), 3),
  DDD: (p) => String(dayOfYear(p)),
  DD: (p) => pad(p.day),
  Do: (p) => ordinal(p.day),
  D: (p) => String(p.day),
  dddd: (p) => DAYS[p.weekday] as string,
  ddd: (p) => (DAYS[p.weekday] as string).slice(0, 3),
  dd: (p) => (DAYS[p.weekday] as string).slice(0, 2),
  d: (p) => String(p.weekday),
  E: (p) => String(p.weekday === 0 ? 7 : p.weekday),
  WW: (p) => pad(isoWeek(p)),
  W: (p) => String(isoWeek(p)),
  HH: (p) => pad(p.hour),
  H: (p) => String(p.hour),
  hh: (p) => pad(hour12(p.hour)),
  h: (p) => String(hour12(p.hour)),
  kk: (p) => pad(p.hour || 24),
  k: (p) => String(p.hour || 24),
  mm: (p) => pad(p.minute),
  m: (p) => String(p.minute),
  ss: (p) => pad(p.second),
  s: (p) => String(p.second),
  SSS: (p) => pad(p.ms, 3),
  SS: (p) => pad(Math.floor(p.ms / 10)),
  S: (p) => String(Math.floor(p.ms / 100)),
  A: (p) => (p.hour < 12 ? 'AM' : 'PM'),
  a: (p) => (p.hour < 12 ? 'am' : 'pm'),
  ZZ: (p) => zone(p.offset, false),
  Z: (p) => zone(p.offset, true),
  X: (p) => String(Math.floor(p.time / 1000)),
  x: (p) => String(p.time),
};

const TOKEN =
  /\[[^\]]*\]|YYYY|YY|Q|MMMM|MMM|MM|Mo|M|DDDD|DDD|DD|Do|D|dddd|ddd|dd|d|E|WW|W|HH|H|hh|h|kk|k|mm|m|ss|s|SSS|SS|S|A|a|ZZ|Z|X|x|LTS|LT|LLLL|LLL|LL|L|ww|w|gggg|GGGG|[\s\S]/g;

const LOCALE_TOKENS = new Set(['LTS', 'LT', 'LLLL', 'LLL', 'LL', 'L', 'ww', 'w', 'gggg', 'GGGG']);

export class DateFormatError extends Error {}

/** moment.js's default formats: ISO 8601 with the local offset, or ending in Z for UTC. */
export const DEFAULT_FORMAT = { local: 'YYYY-MM-DDTHH:mm:ssZ', utc: 'YYYY-MM-DDTHH:mm:ss[Z]' } as const;

/** A function that formats a date the way moment.js formats it with `format`. */
export function compileDateFormat(format: string, utc: boolean): (date: Date) => string {
  const pieces: Array<string | ((p: Parts) => string)> = [];
  for (const match of format.matchAll(TOKEN)) {
    const token = match[0];
    if (token.startsWith('[')) pieces.push(token.slice(1, -1));
    else if (TOKENS[token]) pieces.push(TOKENS[token]);
    else if (LOCALE_TOKENS.has(token)) {
      throw new DateFormatError(
        `the date format token ${token} depends on a locale, which kinesis-tui does not model: spell the format out (such as YYYY-MM-DD HH:mm:ss)`,
      );
    } else pieces.push(token);
  }
  // Adjacent text pieces joined, so formatting concatenates as few strings as it can.
  const merged: typeof pieces = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (typeof piece === 'string' && typeof last === 'string') merged[merged.length - 1] = last + piece;
    else merged.push(piece);
  }
  return (date) => {
    const parts = partsOf(date, utc);
    let out = '';
    for (const piece of merged) out += typeof piece === 'string' ? piece : piece(parts);
    return out;
  };
}
