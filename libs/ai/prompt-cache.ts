/**
 * Building requests whose shared part (tools, system, leading content) is a byte-identical,
 * cached prefix, and estimating whether that prefix is large enough to be cached at all.
 * Pure: no I/O, no SDK calls.
 *
 * Claude renders a request as tools, then system, then messages; a `cache_control` marker caches
 * everything up to and including the block that carries it. A single changed byte before the
 * marker (a timestamp, a reordered key) is a cache miss, so the prefix is built here, in one place,
 * from the same values in the same order for every submission of an assignment.
 */
import { createHash } from 'node:crypto';
import type {
  CacheControlEphemeral,
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  TextBlockParam,
  Tool,
  ToolChoice,
} from '@anthropic-ai/sdk/resources/messages';
import { lookupModel, MIN_CACHEABLE_TOKENS, UNKNOWN_MODEL_MIN_CACHEABLE_TOKENS } from './model-catalog.js';

/** Images whose long edge exceeds this are downscaled by the API before it counts tokens. */
export const MAX_IMAGE_EDGE_PX = 1568;
/** ...and so are images above about 1.15 megapixels (about 1,600 tokens). */
export const MAX_IMAGE_PIXELS = 1_150_000;
/** Rough tokens per PDF page: the page image (about 1,600) plus its extracted text. */
export const PDF_PAGE_TOKENS_ESTIMATE = 2_000;

/**
 * Tokens in a text, estimated as characters / 4. Claude's tokenizer is not public; for English
 * prose and JSON this is within about 20% and errs high for short words. Use it for decisions
 * with margin (is the prefix cacheable, is a prompt too long), never for billing: billing uses
 * the usage the API reports.
 */
export function countTokensEstimate(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The size an image is scaled to before the model sees it (long edge 1568 px, about 1.15 MP). */
export function modelImageSize(width: number, height: number): { width: number; height: number } {
  if (width <= 0 || height <= 0) return { width: 0, height: 0 };
  const scale = Math.min(1, MAX_IMAGE_EDGE_PX / Math.max(width, height), Math.sqrt(MAX_IMAGE_PIXELS / (width * height)));
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}

/** Tokens of an image: width * height / 750, after the API's downscaling. */
export function imageTokensEstimate(width: number, height: number): number {
  const scaled = modelImageSize(width, height);
  return Math.ceil((scaled.width * scaled.height) / 750);
}

/** The smallest prefix, in tokens, that prompt caching accepts for this model. */
export function minimumCacheableTokens(model: string): number {
  return lookupModel(MIN_CACHEABLE_TOKENS, model) ?? UNKNOWN_MODEL_MIN_CACHEABLE_TOKENS;
}

/** Whether a prefix of this many (estimated) tokens is cached; below the minimum the API silently caches nothing. */
export function prefixIsCacheable(estimatedTokens: number, model: string): boolean {
  return estimatedTokens >= minimumCacheableTokens(model);
}

export interface CachedRequestParts {
  model: string;
  maxTokens: number;
  /** Instructions, rubric and answer key: the same for every submission of an assignment. */
  system: string | TextBlockParam[];
  tools?: Tool[];
  toolChoice?: ToolChoice;
  /** Leading user content shared by every request (an answer-key document, exemplars); part of the prefix. */
  sharedContent?: ContentBlockParam[];
  /** What differs per request (the student's work); follows the prefix and is never cached. */
  content: string | ContentBlockParam[];
  /** '5m' (default) or '1h' for a long grading run; 1h writes cost 2x input instead of 1.25x. */
  ttl?: '5m' | '1h';
}

/**
 * A request whose tools + system + sharedContent form the cached prefix: `cache_control` goes on
 * the last prefix block only, any marker the caller left elsewhere is removed (a stray marker in
 * the student's work would make each submission its own cache entry), and the prefix blocks are
 * copied so later mutation by the caller cannot change the bytes sent.
 */
export function buildCachedRequest(parts: CachedRequestParts): MessageCreateParamsNonStreaming {
  const tools = (parts.tools ?? []).map((tool) => withoutCacheControl(tool));
  const system: TextBlockParam[] = typeof parts.system === 'string' ? [{ type: 'text', text: parts.system }] : parts.system.map((block) => withoutCacheControl(block));
  const shared = (parts.sharedContent ?? []).map((block) => withoutCacheControl(block));
  const content = typeof parts.content === 'string' ? [{ type: 'text' as const, text: parts.content }] : parts.content.map((block) => withoutCacheControl(block));

  const marker: CacheControlEphemeral = parts.ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
  const last = shared.at(-1) ?? system.at(-1) ?? tools.at(-1);
  if (last) (last as { cache_control?: CacheControlEphemeral }).cache_control = marker;

  const request: MessageCreateParamsNonStreaming = {
    model: parts.model,
    max_tokens: parts.maxTokens,
    system,
    messages: [{ role: 'user', content: [...shared, ...content] }],
  };
  if (tools.length > 0) request.tools = tools;
  if (parts.toolChoice) request.tool_choice = parts.toolChoice;
  return request;
}

/** A rendered piece of the prompt in the order Claude reads it, with whether it carries a cache marker. */
interface PromptSegment {
  bytes: string;
  tokens: number;
  breakpoint: boolean;
}

/** Tools, system blocks and message blocks, in render order. */
function segmentsOf(request: MessageCreateParamsNonStreaming): PromptSegment[] {
  const segments: PromptSegment[] = [];
  for (const tool of request.tools ?? []) {
    const bytes = JSON.stringify(withoutCacheControl(tool));
    segments.push({ bytes: `tool:${bytes}`, tokens: countTokensEstimate(bytes), breakpoint: hasCacheControl(tool) });
  }
  const system = typeof request.system === 'string' ? [{ type: 'text' as const, text: request.system }] : (request.system ?? []);
  for (const block of system) {
    segments.push({ bytes: `system:${JSON.stringify(withoutCacheControl(block))}`, tokens: countTokensEstimate(block.text), breakpoint: hasCacheControl(block) });
  }
  for (const message of request.messages) {
    const blocks = typeof message.content === 'string' ? [{ type: 'text' as const, text: message.content }] : message.content;
    for (const block of blocks) {
      segments.push({
        bytes: `${message.role}:${JSON.stringify(withoutCacheControl(block))}`,
        tokens: blockTokensEstimate(block),
        breakpoint: hasCacheControl(block),
      });
    }
  }
  return segments;
}

export interface PromptEstimate {
  /** Estimated tokens up to and including the last cache marker (0 without a marker). */
  prefixTokens: number;
  /** Estimated tokens of the whole prompt. */
  totalTokens: number;
  /** sha256 of the prefix bytes: equal for two requests exactly when their cached prefixes are identical. */
  prefixHash: string | null;
  /** Whether the prefix reaches the model's minimum (otherwise the API will not cache it). */
  cacheable: boolean;
}

/** Estimates a request's prompt and its cached prefix (see countTokensEstimate and imageTokensEstimate). */
export function estimatePrompt(request: MessageCreateParamsNonStreaming): PromptEstimate {
  const segments = segmentsOf(request);
  const totalTokens = segments.reduce((sum, segment) => sum + segment.tokens, 0);
  const lastBreakpoint = segments.findLastIndex((segment) => segment.breakpoint);
  if (lastBreakpoint < 0) return { prefixTokens: 0, totalTokens, prefixHash: null, cacheable: false };
  const prefix = segments.slice(0, lastBreakpoint + 1);
  const prefixTokens = prefix.reduce((sum, segment) => sum + segment.tokens, 0);
  const hash = createHash('sha256').update(request.model).update('\n');
  for (const segment of prefix) hash.update(segment.bytes).update('\n');
  return { prefixTokens, totalTokens, prefixHash: hash.digest('hex'), cacheable: prefixIsCacheable(prefixTokens, request.model) };
}

function blockTokensEstimate(block: ContentBlockParam): number {
  switch (block.type) {
    case 'text':
      return countTokensEstimate(block.text);
    case 'image': {
      if (block.source.type !== 'base64') return imageTokensEstimate(MAX_IMAGE_EDGE_PX, MAX_IMAGE_EDGE_PX);
      const size = imageDimensions(Buffer.from(block.source.data, 'base64'));
      return size ? imageTokensEstimate(size.width, size.height) : imageTokensEstimate(MAX_IMAGE_EDGE_PX, MAX_IMAGE_EDGE_PX);
    }
    case 'document': {
      const source = block.source;
      if (source.type === 'text') return countTokensEstimate(source.data);
      if (source.type === 'base64') return Math.max(1, pdfPageCount(Buffer.from(source.data, 'base64'))) * PDF_PAGE_TOKENS_ESTIMATE;
      return PDF_PAGE_TOKENS_ESTIMATE;
    }
    default:
      return countTokensEstimate(JSON.stringify(block));
  }
}

/** Width and height from a PNG, JPEG, GIF or WebP header; undefined for anything else. */
export function imageDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length >= 24 && view.readUInt32BE(0) === 0x89504e47) return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
  if (view.length >= 10 && view.toString('latin1', 0, 4) === 'GIF8') return { width: view.readUInt16LE(6), height: view.readUInt16LE(8) };
  if (view.length >= 30 && view.toString('latin1', 0, 4) === 'RIFF' && view.toString('latin1', 8, 12) === 'WEBP') {
    const chunk = view.toString('latin1', 12, 16);
    if (chunk === 'VP8 ') return { width: view.readUInt16LE(26) & 0x3fff, height: view.readUInt16LE(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = view.readUInt32LE(21);
      return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    if (chunk === 'VP8X') return { width: view.readUIntLE(24, 3) + 1, height: view.readUIntLE(27, 3) + 1 };
    return undefined;
  }
  if (view.length >= 4 && view[0] === 0xff && view[1] === 0xd8) {
    let offset = 2;
    while (offset + 9 < view.length) {
      if (view[offset] !== 0xff) return undefined;
      const marker = view[offset + 1];
      const length = view.readUInt16BE(offset + 2);
      // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: view.readUInt16BE(offset + 5), width: view.readUInt16BE(offset + 7) };
      }
      offset += 2 + length;
    }
  }
  return undefined;
}

function pdfPageCount(bytes: Buffer): number {
  return bytes.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}

function hasCacheControl(block: object): boolean {
  return (block as { cache_control?: unknown }).cache_control != null;
}

/** A deep copy without `cache_control` (JSON round trip: key order, and so the bytes, are preserved). */
function withoutCacheControl<T extends object>(block: T): T {
  const copy = JSON.parse(JSON.stringify(block)) as T & { cache_control?: unknown };
  delete copy.cache_control;
  return copy;
}
