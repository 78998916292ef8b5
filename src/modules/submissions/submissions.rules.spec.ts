import { describe, expect, it } from '@jest/globals';
import { inlineDisposition, matchFileName, matchTyped, normalizeName, normalizeText, type RosterStudent, splitStack, stackRangeSha256 } from './submissions.rules.js';

const roster: RosterStudent[] = [
  { id: '00000000-0000-4000-8000-000000000001', name: 'Jane Doe', schoolId: 'S-1042' },
  { id: '00000000-0000-4000-8000-000000000002', name: 'José Núñez', schoolId: null },
  { id: '00000000-0000-4000-8000-000000000003', name: 'Maria Elena Rivera', schoolId: '77' },
  { id: '00000000-0000-4000-8000-000000000004', name: 'Ann Lee', schoolId: null },
  { id: '00000000-0000-4000-8000-000000000005', name: 'Mary Ann Lee', schoolId: null },
  { id: '00000000-0000-4000-8000-000000000006', name: 'Alex Kim', schoolId: null },
  { id: '00000000-0000-4000-8000-000000000007', name: 'Alex Kim', schoolId: null },
  { id: '00000000-0000-4000-8000-000000000008', name: 'Sam Lee-Park', schoolId: null },
];
const id = (n: number) => roster[n - 1].id;

describe('normalizeName', () => {
  it('drops accents, case and punctuation', () => {
    expect(normalizeName("  José  O'Brien-Núñez ")).toBe('jose o brien nunez');
  });
});

describe('matchTyped', () => {
  it.each([
    ['a HandMark id', id(2), id(2)],
    ['a school id, ignoring case', 's-1042', id(1)],
    ['a name without accents', 'jose nunez', id(2)],
    ['"Last, First"', 'Doe, Jane', id(1)],
    ['first and last name only', 'Maria Rivera', id(3)],
  ])('matches %s', (_, typed, expected) => {
    expect(matchTyped(typed, roster)).toEqual({ status: 'matched', studentId: expected, method: 'typed', candidates: [] });
  });

  it('is ambiguous when two students fit equally, with both as candidates', () => {
    expect(matchTyped('alex kim', roster)).toEqual({ status: 'ambiguous', studentId: null, method: null, candidates: [id(6), id(7)] });
  });

  it('leaves a first name alone, an unknown name and blank input unmatched', () => {
    for (const typed of ['Jane', 'Nobody Known', '   ', '77 Main St']) expect(matchTyped(typed, roster).status).toBe('unmatched');
  });
});

describe('matchFileName', () => {
  it.each([
    ['jane_doe_quiz.jpg', id(1)],
    ['Quiz 3 - Doe, Jane.pdf', id(1)],
    ['JaneDoe.png', id(1)],
    ['S-1042 essay.pdf', id(1)],
    ['quiz_mary_ann_lee.png', id(5)],
    ['LeePark_Sam.png', id(8)],
    ['Maria Rivera.jpg', id(3)],
  ])('finds the student in %s', (fileName, expected) => {
    expect(matchFileName(fileName, roster)).toMatchObject({ status: 'matched', studentId: expected, method: 'file_name' });
  });

  it('does not guess from a first name, a camera name or a bare number', () => {
    for (const fileName of ['jane.jpg', 'IMG_0042.JPG', 'scan 77.pdf']) expect(matchFileName(fileName, roster).status).toBe('unmatched');
  });

  it('is ambiguous for a name two students share', () => {
    expect(matchFileName('alex_kim.png', roster)).toMatchObject({ status: 'ambiguous', candidates: [id(6), id(7)] });
  });
});

describe('splitStack', () => {
  it('splits into equal ranges or at the given first pages', () => {
    expect(splitStack(6, { pagesPerStudent: 2 })).toEqual([
      { first: 1, last: 2 },
      { first: 3, last: 4 },
      { first: 5, last: 6 },
    ]);
    expect(splitStack(7, { boundaries: [1, 4, 6] })).toEqual([
      { first: 1, last: 3 },
      { first: 4, last: 5 },
      { first: 6, last: 7 },
    ]);
  });

  it('names the field that does not fit the PDF', () => {
    expect(() => splitStack(7, { pagesPerStudent: 2 })).toThrow(expect.objectContaining({ kind: 'unprocessable', details: [expect.objectContaining({ field: 'pagesPerStudent' })] }));
    expect(() => splitStack(7, { boundaries: [2] })).toThrow(expect.objectContaining({ details: [expect.objectContaining({ field: 'boundaries' })] }));
    expect(() => splitStack(7, { boundaries: [1, 3, 3] })).toThrow(expect.objectContaining({ details: [expect.objectContaining({ field: 'boundaries[2]' })] }));
    expect(() => splitStack(7, { boundaries: [1, 8] })).toThrow(expect.objectContaining({ details: [expect.objectContaining({ field: 'boundaries[1]' })] }));
  });

  it('gives each range of a stack its own duplicate hash', () => {
    const sha = 'a'.repeat(64);
    expect(stackRangeSha256(sha, { first: 1, last: 2 })).toMatch(/^[0-9a-f]{64}$/);
    expect(stackRangeSha256(sha, { first: 1, last: 2 })).not.toBe(stackRangeSha256(sha, { first: 3, last: 4 }));
  });
});

describe('normalizeText and inlineDisposition', () => {
  it('treats line endings and surrounding blanks as the same text', () => {
    expect(normalizeText('  essay\r\nline two\r ')).toBe('essay\nline two');
  });

  it('keeps a UTF-8 file name and an ASCII fallback without quotes', () => {
    expect(inlineDisposition('Núñez "quiz" (1).png')).toBe(`inline; filename="N__ez _quiz_ (1).png"; filename*=UTF-8''N%C3%BA%C3%B1ez%20%22quiz%22%20%281%29.png`);
  });
});
