// What a process tree listens on, read from Linux's /proc: every descendant of a pid, and every TCP or UDP
// socket they hold that is bound to an address (a TCP socket in LISTEN, any bound UDP socket). The kernel's
// view, not the program's word for it, so a server that binds somewhere it should not is caught.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface Listener {
  pid: number;
  /** The process's command line, for the failure message. */
  command: string;
  protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  address: string;
  port: number;
}

/** Why this machine cannot show a process tree's sockets, or undefined when it can. */
export function noProcfs(): string | undefined {
  if (process.platform !== 'linux')
    return `reading sockets needs Linux's /proc (this is ${process.platform})`;
  try {
    readFileSync('/proc/net/tcp', 'utf8');
    return undefined;
  } catch {
    return '/proc/net/tcp cannot be read here';
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // The command name (field 2) is in parentheses and may hold spaces: the parent pid follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** `root` and every process descended from it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '(gone)';
  }
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** /proc/net's hex address (little-endian words) as text. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) =>
    (word.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)),
  );
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

const LISTEN = '0A';
const UDP_UNCONNECTED = '07';

function boundSockets(protocol: Listener['protocol']) {
  const rows = readFileSync(`/proc/net/${protocol}`, 'utf8').trim().split('\n').slice(1);
  const sockets = new Map<string, { address: string; port: number }>();
  for (const row of rows) {
    const fields = row.trim().split(/\s+/);
    const [local, , state] = [fields[1] ?? '', fields[2], fields[3]];
    const inode = fields[9] ?? '';
    const bound = protocol.startsWith('tcp') ? state === LISTEN : state === UDP_UNCONNECTED;
    if (!bound) continue;
    const [address = '', port = '0'] = local.split(':');
    sockets.set(inode, { address: decodeAddress(address), port: Number.parseInt(port, 16) });
  }
  return sockets;
}

/** Every socket the tree under `root` listens on (TCP) or is bound to (UDP). */
export function listenersOf(root: number): Listener[] {
  const protocols: Listener['protocol'][] = ['tcp', 'tcp6', 'udp', 'udp6'];
  const tables = protocols.map((protocol) => ({ protocol, sockets: boundSockets(protocol) }));
  const listeners: Listener[] = [];
  for (const pid of processTree(root)) {
    const inodes = socketInodes(pid);
    for (const { protocol, sockets } of tables) {
      for (const [inode, socket] of sockets) {
        if (inodes.has(inode)) listeners.push({ pid, command: commandOf(pid), protocol, ...socket });
      }
    }
  }
  return listeners;
}
