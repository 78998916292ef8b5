import { createHash } from 'node:crypto';
import type { MatchMethod, MatchStatus } from './submissions.events.js';
import { StackSplitError } from './submissions.errors.js';

/** A student of the assignment's class, as matching needs them. */
export interface RosterStudent {
  id: string;
  name: string;
  /** The school's own student id (students.student_id), if any. */
  schoolId: string | null;
}

export interface MatchResult {
  status: MatchStatus;
  studentId: string | null;
  method: MatchMethod | null;
  /** Roster ids that fit equally well (ambiguous), else empty. */
  candidates: string[];
}

export const UNMATCHED: MatchResult = Object.freeze({ status: 'unmatched', studentId: null, method: null, candidates: [] });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "José  O'Brien-Smith" → "jose o brien smith": no accents, no case, letters and digits separated by single spaces. */
export function normalizeName(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function tokens(value: string): string[] {
  const normalized = normalizeName(value);
  return normalized === '' ? [] : normalized.split(' ');
}

/** "Doe, Jane" is how rosters and teachers often write "Jane Doe". */
function naturalOrder(name: string): string {
  const comma = /^([^,]+),([^,]+)$/.exec(name);
  return comma ? `${comma[2]} ${comma[1]}` : name;
}

function resultOf(ids: string[], method: MatchMethod): MatchResult {
  const unique = [...new Set(ids)];
  if (unique.length === 1) return { status: 'matched', studentId: unique[0], method, candidates: [] };
  if (unique.length > 1) return { status: 'ambiguous', studentId: null, method: null, candidates: unique };
  return UNMATCHED;
}

/**
 * What the teacher typed for a piece of work: a HandMark student id, the school's student id, or a
 * name. Names match exactly (ignoring case, accents and punctuation), then by first and last name
 * ("Maria Rivera" finds "Maria Elena Rivera"); two students that fit equally make it ambiguous.
 */
export function matchTyped(typed: string, roster: readonly RosterStudent[]): MatchResult {
  const value = typed.trim();
  if (value === '') return UNMATCHED;
  if (UUID.test(value)) {
    const byId = roster.find((student) => student.id === value.toLowerCase());
    if (byId) return resultOf([byId.id], 'typed');
  }
  const bySchoolId = roster.filter((student) => student.schoolId !== null && student.schoolId.trim().toLowerCase() === value.toLowerCase());
  if (bySchoolId.length > 0) return resultOf(bySchoolId.map((student) => student.id), 'typed');

  const wanted = normalizeName(naturalOrder(value));
  if (wanted === '') return UNMATCHED;
  const exact = roster.filter((student) => normalizeName(student.name) === wanted || normalizeName(naturalOrder(student.name)) === wanted);
  if (exact.length > 0) return resultOf(exact.map((student) => student.id), 'typed');

  const wantedTokens = wanted.split(' ');
  if (wantedTokens.length < 2) return UNMATCHED;
  const [first, last] = [wantedTokens[0], wantedTokens[wantedTokens.length - 1]];
  const byFirstAndLast = roster.filter((student) => {
    const own = tokens(naturalOrder(student.name));
    return own.length >= 2 && own[0] === first && own[own.length - 1] === last;
  });
  return resultOf(byFirstAndLast.map((student) => student.id), 'typed');
}

/**
 * A student named in a file name: "jane_doe_quiz.jpg", "Quiz 3 - Doe, Jane.pdf", "JaneDoe.png" or
 * the school's student id ("S-1042 essay.pdf"). The whole name must appear, in order or as
 * "last first"; a first name alone never matches. A longer name wins over one it contains
 * ("Mary Ann Lee" over "Ann Lee").
 */
export function matchFileName(fileName: string, roster: readonly RosterStudent[]): MatchResult {
  const base = fileName.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/([\p{Ll}\d])(\p{Lu})/gu, '$1 $2');
  const fileTokens = tokens(base);
  if (fileTokens.length === 0) return UNMATCHED;
  const joined = ` ${fileTokens.join(' ')} `;

  const bySchoolId = roster.filter((student) => {
    const id = student.schoolId ? tokens(student.schoolId).join(' ') : '';
    // Short numbers ("scan 77.pdf") are more often counters than student ids.
    return id.replace(/ /g, '').length >= 4 && /\d/.test(id) && joined.includes(` ${id} `);
  });
  if (bySchoolId.length > 0) return resultOf(bySchoolId.map((student) => student.id), 'file_name');

  let best: { length: number; ids: string[] } = { length: 0, ids: [] };
  for (const student of roster) {
    const own = tokens(naturalOrder(student.name));
    if (own.length < 2) continue;
    // "Sam Lee-Park" also as "Lee Park Sam" and "Park Sam Lee": family names come first in many lists.
    const orders = own.map((_, start) => ` ${[...own.slice(start), ...own.slice(0, start)].join(' ')} `);
    const firstLast = ` ${own[0]} ${own[own.length - 1]} `;
    const length = orders.some((order) => joined.includes(order)) ? own.length : joined.includes(firstLast) ? 2 : 0;
    if (length === 0) continue;
    if (length > best.length) best = { length, ids: [student.id] };
    else if (length === best.length) best.ids.push(student.id);
  }
  return resultOf(best.ids, 'file_name');
}

/** A contiguous range of a stack's pages belonging to one student (1-based, inclusive). */
export interface PageRange {
  first: number;
  last: number;
}

export interface StackSplit {
  pagesPerStudent?: number;
  /** First page of every student, ascending, starting at 1. */
  boundaries?: number[];
}

/** Splits a class stack into one page range per student, or says which field does not fit the PDF. */
export function splitStack(pageCount: number, split: StackSplit): PageRange[] {
  if (split.boundaries) {
    const starts = split.boundaries;
    if (starts[0] !== 1) throw new StackSplitError('boundaries', 'the first student starts on page 1, so boundaries must begin with 1');
    starts.forEach((start, index) => {
      if (index > 0 && start <= starts[index - 1]) throw new StackSplitError(`boundaries[${index}]`, 'boundaries must be ascending first pages');
      if (start > pageCount) throw new StackSplitError(`boundaries[${index}]`, `the PDF has ${pageCount} pages; there is no page ${start}`);
    });
    return starts.map((first, index) => ({ first, last: index + 1 < starts.length ? starts[index + 1] - 1 : pageCount }));
  }
  const per = split.pagesPerStudent!;
  if (pageCount % per !== 0) {
    throw new StackSplitError('pagesPerStudent', `the PDF has ${pageCount} pages, which is not a multiple of ${per}; check the scan for a missing or extra page, or give boundaries`);
  }
  return Array.from({ length: pageCount / per }, (_, index) => ({ first: index * per + 1, last: (index + 1) * per }));
}

/** The duplicate-detection hash of a stack range: the same stack split the same way is the same work. */
export function stackRangeSha256(stackSha256: string, range: PageRange): string {
  return createHash('sha256').update(`stack:${stackSha256}:${range.first}-${range.last}`).digest('hex');
}

/** Typed work is the same work whatever its line endings or surrounding blank space. */
export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(/\r\n?/g, '\n').trim();
}

/** `Content-Disposition: inline` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function inlineDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_').slice(0, 150) || 'file';
  return `inline; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName.slice(0, 200)).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
