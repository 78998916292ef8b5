import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../../../libs/errors/domain-error.js';
import { changedFields, checkCriteria, presentCriteria, type RubricFields, validCriteria } from './rubrics.rules.js';

const criterion = (overrides: Record<string, unknown> = {}) => ({
  id: 'crit_1',
  name: 'Correct Answer',
  description: 'Student provides correct final answer',
  max_points: 5,
  levels: [
    { points: 5, description: 'Completely correct' },
    { points: 3, description: 'Minor calculation error' },
    { points: 0, description: 'Incorrect or missing' },
  ],
  ...overrides,
});

function problemsOf(value: unknown) {
  const checked = checkCriteria(value);
  if (checked.ok) throw new Error('expected the criteria to be refused');
  return checked.problems;
}

describe('checkCriteria', () => {
  it('accepts the seed shape, trims text and totals the max points in exact cents', () => {
    const checked = checkCriteria([
      criterion({ name: '  Correct Answer  ' }),
      criterion({ id: 'crit-2', description: null, max_points: 0.1, levels: [{ points: 0.1, description: 'Yes' }, { points: 0, description: 'No' }] }),
      criterion({ id: 'C3', description: '   ', max_points: 0.2, levels: [{ points: 0.2, description: 'Yes' }] }),
    ]);
    expect(checked).toEqual({
      ok: true,
      maxPoints: 5.3,
      criteria: [
        criterion(),
        { id: 'crit-2', name: 'Correct Answer', max_points: 0.1, levels: [{ points: 0.1, description: 'Yes' }, { points: 0, description: 'No' }] },
        { id: 'C3', name: 'Correct Answer', max_points: 0.2, levels: [{ points: 0.2, description: 'Yes' }] },
      ],
    });
  });

  it('refuses anything but a non-empty array of at most 50 criteria', () => {
    expect(problemsOf({ id: 'crit_1' })).toEqual([{ field: 'criteria', message: 'criteria must be an array of criteria' }]);
    expect(problemsOf(null)).toEqual([{ field: 'criteria', message: 'criteria must be an array of criteria' }]);
    expect(problemsOf([])).toEqual([{ field: 'criteria', message: 'criteria must contain at least one criterion' }]);
    const many = Array.from({ length: 51 }, (_, i) => criterion({ id: `c${i}` }));
    expect(problemsOf(many)).toEqual([{ field: 'criteria', message: 'criteria may contain at most 50 criteria (got 51)' }]);
  });

  it('names the criterion by index and id in every problem, and collects them all', () => {
    const problems = problemsOf([
      criterion(),
      criterion({ id: 'crit_2', max_points: 3, levels: [{ points: 5, description: 'Too many' }, { points: 3, description: 'Full' }, { points: -1, description: 'Negative' }] }),
    ]);
    expect(problems).toEqual([
      { field: 'criteria[1] (crit_2).levels[0].points', message: 'points must be between 0 and max_points (3)' },
      { field: 'criteria[1] (crit_2).levels[2].points', message: 'points must be between 0 and max_points (3)' },
    ]);
  });

  it('refuses duplicate and malformed criterion ids', () => {
    expect(problemsOf([criterion(), criterion({ name: 'Again' })])).toEqual([
      { field: 'criteria[1] (crit_1).id', message: 'id "crit_1" is already used by criteria[0]' },
    ]);
    expect(problemsOf([criterion({ id: 'has space' }), criterion({ id: 7 }), criterion({ id: 'x'.repeat(65) })])).toEqual([
      { field: 'criteria[0].id', message: 'id must be 1 to 64 letters, digits, "_" or "-"' },
      { field: 'criteria[1].id', message: 'id must be 1 to 64 letters, digits, "_" or "-"' },
      { field: 'criteria[2].id', message: 'id must be 1 to 64 letters, digits, "_" or "-"' },
    ]);
  });

  it('checks max_points: a positive number up to 1000 with at most 2 decimals', () => {
    const cases: Array<[unknown, string]> = [
      ['5', 'max_points must be a number'],
      [Number.NaN, 'max_points must be a number'],
      [0, 'max_points must be greater than 0'],
      [-2, 'max_points must be greater than 0'],
      [1000.5, 'max_points must be at most 1000'],
      [2.555, 'max_points may have at most 2 decimal places'],
    ];
    for (const [maxPoints, message] of cases) {
      const problems = problemsOf([criterion({ max_points: maxPoints, levels: [{ points: 0, description: 'None' }] })]);
      expect(problems).toEqual([{ field: 'criteria[0] (crit_1).max_points', message }]);
    }
  });

  it('checks levels: non-empty, unique points, one level worth max_points, descriptions present', () => {
    expect(problemsOf([criterion({ levels: [] })])).toEqual([{ field: 'criteria[0] (crit_1).levels', message: 'levels must contain at least one level' }]);
    expect(problemsOf([criterion({ levels: 'all' })])).toEqual([{ field: 'criteria[0] (crit_1).levels', message: 'levels must be an array of { points, description }' }]);
    expect(problemsOf([criterion({ levels: [{ points: 3, description: 'Some' }, { points: 0, description: 'None' }] })])).toEqual([
      { field: 'criteria[0] (crit_1).levels', message: 'one level must award the full max_points (5)' },
    ]);
    expect(
      problemsOf([criterion({ levels: [{ points: 5, description: 'All' }, { points: 5, description: 'Also all' }, { points: '2', description: '' }, 'none'] })]),
    ).toEqual([
      { field: 'criteria[0] (crit_1).levels[1].points', message: 'points 5 is already used by levels[0]' },
      { field: 'criteria[0] (crit_1).levels[2].points', message: 'points must be a number' },
      { field: 'criteria[0] (crit_1).levels[2].description', message: 'description must be a non-empty string' },
      { field: 'criteria[0] (crit_1).levels[3]', message: 'each level must be an object with points and description' },
    ]);
  });

  it('refuses unknown fields, so camelCase maxPoints is named instead of silently stored', () => {
    const { max_points: _omitted, ...camel } = criterion();
    expect(problemsOf([{ ...camel, maxPoints: 5 }])).toEqual([
      { field: 'criteria[0] (crit_1).maxPoints', message: 'unknown field "maxPoints" (a criterion has id, name, description, max_points and levels, stored as JSON exactly as sent)' },
      { field: 'criteria[0] (crit_1).max_points', message: 'max_points must be a number' },
    ]);
    expect(problemsOf([criterion({ levels: [{ points: 5, description: 'All', weight: 2 }] })])).toEqual([
      { field: 'criteria[0] (crit_1).levels[0].weight', message: 'unknown field "weight" (a level has points and description)' },
    ]);
  });

  it('requires a name and an object for every criterion', () => {
    expect(problemsOf([criterion({ name: ' ' }), 'crit_2', null])).toEqual([
      { field: 'criteria[0] (crit_1).name', message: 'name must be a non-empty string' },
      { field: 'criteria[1]', message: 'each criterion must be an object with id, name, max_points and levels' },
      { field: 'criteria[2]', message: 'each criterion must be an object with id, name, max_points and levels' },
    ]);
  });
});

describe('validCriteria', () => {
  it('throws a 400 domain error carrying every problem', () => {
    let thrown: unknown;
    try {
      validCriteria([criterion({ max_points: 0 })]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ kind: 'invalid', code: 'VALIDATION_FAILED', details: [{ field: 'criteria[0] (crit_1).max_points', message: 'max_points must be greater than 0' }] });
  });
});

describe('changedFields', () => {
  const current: RubricFields = { name: 'Essay', description: null, subject: 'ELA', gradeLevel: '5th', criteria: [criterion()] };

  it('lists only the fields a patch really changes, comparing criteria by content', () => {
    const reordered = JSON.parse('[{"levels":[{"description":"Completely correct","points":5},{"description":"Minor calculation error","points":3},{"description":"Incorrect or missing","points":0}],"max_points":5,"name":"Correct Answer","id":"crit_1","description":"Student provides correct final answer"}]');
    expect(changedFields(current, { name: 'Essay', subject: 'ELA', criteria: reordered })).toEqual([]);
    expect(changedFields(current, { name: 'Essay 2', description: 'New', gradeLevel: null, criteria: [criterion({ max_points: 3, levels: [{ points: 3, description: 'All' }] })] })).toEqual([
      'name',
      'description',
      'gradeLevel',
      'criteria',
    ]);
  });

  it('presents criteria with a fixed field order', () => {
    const stored = JSON.parse('[{"id":"a","name":"A","levels":[{"points":1,"description":"x"}],"max_points":1}]');
    expect(Object.keys(presentCriteria(stored)[0])).toEqual(['id', 'name', 'max_points', 'levels']);
  });
});
