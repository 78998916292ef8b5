/**
 * What HandMark needs to know about each Claude model: its price and the smallest prompt prefix
 * that prompt caching accepts. Both are tables keyed by model alias ("claude-sonnet-4-5"); a dated
 * id ("claude-sonnet-4-5-20250929") finds its alias by prefix. Checked against Anthropic's pricing
 * and prompt-caching pages in 2026-11; a district can correct prices with AI_PRICES without a release.
 */

/** USD per million tokens. Cache writes are priced by TTL; cache reads are hits and refreshes. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

/** Message Batches cost half of every token price (the prompt-caching multipliers stack with it). */
export const BATCH_PRICE_FACTOR = 0.5;

/** Cache prices follow the input price: 5-minute writes 1.25x, 1-hour writes 2x, reads 0.1x unless given. */
const price = (input: number, output: number, cacheRead = times(input, 0.1)): ModelPrice => ({
  input,
  output,
  cacheWrite5m: times(input, 1.25),
  cacheWrite1h: times(input, 2),
  cacheRead,
});

/** A price times a multiplier without binary floating-point residue (3 * 0.1 is 0.3, not 0.30000000000000004). */
function times(usd: number, factor: number): number {
  return Math.round(usd * factor * 1e9) / 1e9;
}

export const DEFAULT_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  'claude-opus-5-5': price(4, 20, 0.2),
  'claude-opus-5': price(5, 25),
  'claude-opus-4-8': price(5, 25),
  'claude-opus-4-7': price(5, 25),
  'claude-opus-4-6': price(5, 25),
  'claude-opus-4-5': price(5, 25),
  'claude-opus-4-1': price(15, 75),
  'claude-opus-4': price(15, 75),
  'claude-sonnet-5-5': price(2, 10, 0.1),
  'claude-sonnet-5': price(2, 10),
  'claude-sonnet-4-6': price(3, 15),
  'claude-sonnet-4-5': price(3, 15),
  'claude-sonnet-4': price(3, 15),
  /** The rates for prompts up to 100,000 tokens; longer prompts cost five times as much. */
  'claude-haiku-5-5': price(0.1, 0.5, 0.01),
  'claude-haiku-4-5': price(1, 5),
  'claude-haiku-3-5': price(0.8, 4),
});

/**
 * Below this many prefix tokens the API silently caches nothing (the request succeeds, billed at
 * the full input rate). Unknown models get the largest known minimum, so a prefix is never
 * wrongly assumed to be cached.
 */
export const MIN_CACHEABLE_TOKENS: Readonly<Record<string, number>> = Object.freeze({
  'claude-opus-5': 512,
  'claude-opus-4-8': 1024,
  'claude-opus-4-7': 2048,
  'claude-opus-4-6': 4096,
  'claude-opus-4-5': 4096,
  'claude-opus-4-1': 1024,
  'claude-opus-4': 1024,
  'claude-sonnet-5': 1024,
  'claude-sonnet-4-6': 1024,
  'claude-sonnet-4-5': 1024,
  'claude-sonnet-4': 1024,
  'claude-haiku-4-5': 4096,
  'claude-haiku-3-5': 2048,
});
export const UNKNOWN_MODEL_MIN_CACHEABLE_TOKENS = 4096;

/**
 * The entry for a model id: an exact key, otherwise the longest key followed by "-" in the id
 * ("claude-opus-4-1-20250805" is "claude-opus-4-1", never "claude-opus-4").
 */
export function lookupModel<T>(table: Readonly<Record<string, T>>, model: string): T | undefined {
  if (Object.hasOwn(table, model)) return table[model];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (model.startsWith(`${key}-`) && (!best || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}

const PRICE_FIELDS = ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead'] as const;

/**
 * Reads AI_PRICES: a JSON object from model id to prices in USD per million tokens, for example
 * `{"claude-sonnet-4-5": {"input": 3, "output": 15}}`. Cache prices left out follow the usual
 * multipliers of the given input price (writes 1.25x for 5 minutes and 2x for an hour, reads 0.1x).
 * Returns the problems instead of throwing, so the configuration can report them with the others.
 */
export function parseModelPrices(name: string, raw: string): { prices: Record<string, ModelPrice>; problems: string[] } {
  const problems: string[] = [];
  const prices: Record<string, ModelPrice> = {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { prices, problems: [`${name} must be a JSON object of model id to prices (it is not valid JSON)`] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { prices, problems: [`${name} must be a JSON object of model id to prices, like {"claude-sonnet-4-5":{"input":3,"output":15}}`] };
  }
  for (const [model, value] of Object.entries(parsed)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`${name}["${model}"] must be an object with input and output prices in USD per million tokens`);
      continue;
    }
    const given = value as Record<string, unknown>;
    const unknown = Object.keys(given).filter((key) => !(PRICE_FIELDS as readonly string[]).includes(key));
    if (unknown.length > 0) problems.push(`${name}["${model}"] has unknown field(s) ${unknown.join(', ')} (allowed: ${PRICE_FIELDS.join(', ')})`);
    const valid = (key: string) => typeof given[key] === 'number' && Number.isFinite(given[key]) && (given[key] as number) >= 0;
    for (const key of PRICE_FIELDS) {
      if (given[key] !== undefined && !valid(key)) problems.push(`${name}["${model}"].${key} must be a number of USD per million tokens, 0 or more`);
    }
    if (!valid('input') || !valid('output')) {
      if (given.input === undefined || given.output === undefined) problems.push(`${name}["${model}"] needs both input and output prices`);
      continue;
    }
    const defaults = price(given.input as number, given.output as number);
    prices[model] = Object.fromEntries(PRICE_FIELDS.map((key) => [key, valid(key) ? (given[key] as number) : defaults[key]])) as unknown as ModelPrice;
  }
  return { prices, problems };
}
