// The data shapes of DESIGN.md "Data": what the producer sends and what the transform writes to S3.
// The pipeline imports them from here so the producer, the transform and verify agree on one definition.

export const ACTIONS = ['login', 'view_item', 'add_to_cart', 'checkout'] as const;
export type Action = (typeof ACTIONS)[number];

/** One e-commerce event as the producer puts it on the stream (JSON, UTF-8). */
export interface ShopEvent {
  event_id: string;
  /** UTC, `YYYY-MM-DD HH:MM:SS`. */
  timestamp: string;
  user_id: string;
  session_id: string;
  action: Action;
  /** 100-999; null for login. */
  item_id: number | null;
  /** 10.00-100.00; null for login. */
  price: number | null;
}

export const CATEGORIES = ['Clothing', 'Instruments', 'Electronics', 'Books', 'Other'] as const;
export type Category = (typeof CATEGORIES)[number];

/** One line of a delivered S3 object: the transform's output for one event. */
export interface TransformedRecord {
  user_id: unknown;
  item_id: unknown;
  category: Category;
  price: unknown;
  action: unknown;
  timestamp: unknown;
  event_id: unknown;
}

const BANDS: ReadonlyArray<readonly [min: number, max: number, category: Category]> = [
  [100, 249, 'Clothing'],
  [250, 499, 'Instruments'],
  [500, 749, 'Electronics'],
  [750, 999, 'Books'],
];

/** Category by item id. Only an integer JSON number in 100-999 has one; anything else is Other. */
export function categoryOf(itemId: unknown): Category {
  if (typeof itemId !== 'number' || !Number.isInteger(itemId)) return 'Other';
  for (const [min, max, category] of BANDS) {
    if (itemId >= min && itemId <= max) return category;
  }
  return 'Other';
}
