// Fake e-commerce events per DESIGN.md "Data", made with faker. A seed makes the sequence reproducible
// (ids, users, actions, items, prices; the timestamp is the wall clock when the event is made). Users come
// from a fixed pool, so partition keys repeat as they do in real traffic, and each user keeps a session
// until they log in again.
import { en, Faker } from '@faker-js/faker';
import { type Action, type Category, categoryOf, type ShopEvent } from '../../lambda/records.js';

/** DESIGN.md "Data": how often each action happens. */
export const ACTION_WEIGHTS: Readonly<Record<Action, number>> = {
  login: 0.2,
  view_item: 0.3,
  add_to_cart: 0.4,
  checkout: 0.1,
};

export const ITEM_ID_RANGE = { min: 100, max: 999 } as const;
export const PRICE_RANGE = { min: 10, max: 100 } as const;
export const DEFAULT_USER_POOL = 1000;

export interface EventSourceOptions {
  /** Same seed, same sequence of events (apart from their timestamps). */
  seed?: number;
  /** How many distinct users (and partition keys) the events come from. */
  users?: number;
  /** The clock for timestamps (tests pin it). */
  now?: () => Date;
}

/** One event made and ready for the stream. */
export interface OutgoingEvent {
  /** Its `event_id` (a UUID, inside `json` too): what verify traces it by, end to end. */
  eventId: string;
  /** The record's data: one JSON object. */
  json: string;
  partitionKey: string;
  /** The category the transform will give it (from its `item_id`), so verify can compare counts. */
  category: Category;
  /** A built-in event, whose fields screens show. */
  event?: ShopEvent;
  /** A template's event, parsed. */
  fields?: Readonly<Record<string, unknown>>;
}

/** Where the producer's events come from: the built-in e-commerce events or a template (event-template/). */
export interface EventSource {
  make(): OutgoingEvent;
  readonly seed: number;
  /** What makes the events, in a few words ("e-commerce events from 1,000 users", "events from x.json"). */
  readonly description: string;
}

/** The built-in source, whose events are ShopEvents. */
export interface ShopEventSource extends EventSource {
  next(): ShopEvent;
  readonly users: number;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function checkUserPool(users: number): number {
  if (!Number.isInteger(users) || users < 1 || users > 10_000_000) {
    throw new RangeError('the user pool is a whole number from 1 to 10,000,000');
  }
  return users;
}

export function createEventSource(options: EventSourceOptions = {}): ShopEventSource {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const users = checkUserPool(options.users ?? DEFAULT_USER_POOL);
  const now = options.now ?? (() => new Date());
  const faker = new Faker({ locale: [en], seed });
  const width = Math.max(4, String(users).length);
  const userIds = Array.from({ length: users }, (_, i) => `user_${String(i + 1).padStart(width, '0')}`);
  const sessions = new Map<string, string>();
  const weighted = (Object.entries(ACTION_WEIGHTS) as Array<[Action, number]>).map(([value, weight]) => ({
    value,
    weight,
  }));
  const next = (): ShopEvent => {
    const user_id = faker.helpers.arrayElement(userIds);
    const action = faker.helpers.weightedArrayElement(weighted);
    let session = sessions.get(user_id);
    if (!session || action === 'login') {
      session = faker.string.uuid();
      sessions.set(user_id, session);
    }
    const shopping = action !== 'login';
    return {
      event_id: faker.string.uuid(),
      timestamp: formatTimestamp(now()),
      user_id,
      session_id: session,
      action,
      item_id: shopping ? faker.number.int(ITEM_ID_RANGE) : null,
      price: shopping ? faker.number.float({ ...PRICE_RANGE, fractionDigits: 2 }) : null,
    };
  };
  return {
    seed,
    users,
    description: `e-commerce events from ${users.toLocaleString('en-US')} users`,
    next,
    make() {
      const event = next();
      return {
        eventId: event.event_id,
        json: JSON.stringify(event),
        partitionKey: event.user_id,
        category: categoryOf(event.item_id),
        event,
      };
    },
  };
}
