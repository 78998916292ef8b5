import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { answerKeyAssignmentBody, createAssignment, rubricAssignmentBody } from '../factories/assignments.js';
import { addStudent, createClass } from '../factories/classes.js';
import { createGradingApp, mathScores, proposeGrade, uploadEssay } from '../factories/grading.js';
import { type SignedInUser, signIn } from '../factories/users.js';
import type { TestApp } from '../setup/create-test-app.js';

describe('grade export: GET /api/assignments/:id/grades/export.csv', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createGradingApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const grade = (teacher: SignedInUser, submissionId: string, body: object) => teacher.put(`/api/submissions/${submissionId}/grade`).send(body).expect(200);
  const exportCsv = (teacher: SignedInUser, assignmentId: string, query = '') => teacher.get(`/api/assignments/${assignmentId}/grades/export.csv${query}`).expect(200);
  const rowsOf = (text: string): string[][] => parse(text, { bom: true });

  /** Student names in the database's own sort order (the export sorts by name in SQL). */
  async function sortedNames(names: string[]): Promise<string[]> {
    const rows: Array<{ name: string }> = await t.dataSource.query(`SELECT name FROM unnest($1::text[]) AS name ORDER BY name`, [names]);
    return rows.map((row) => row.name);
  }

  it('writes one row per graded submission, sorted by student, with per-criterion points, ready for a spreadsheet', async () => {
    const teacher = await signIn(t);
    const cls = await createClass(teacher);
    const zoe = await addStudent(teacher, cls.id, { name: 'Zoe Adams', studentId: 'S-300' });
    const ava = await addStudent(teacher, cls.id, { name: 'Ava Lee', studentId: 'S-100' });
    const sly = await addStudent(teacher, cls.id, { name: '=HYPERLINK("http://evil.test")', studentId: 'S-200' });
    const assignment = await createAssignment(teacher, cls.id, rubricAssignmentBody({ title: 'Fractions: Unit 3 — Quiz' }));

    await grade(teacher, (await uploadEssay(teacher, assignment.id, { studentId: zoe.id })).id, { criteriaScores: mathScores(5, 3) });
    await grade(teacher, (await uploadEssay(teacher, assignment.id, { studentId: ava.id })).id, { criteriaScores: mathScores(3, 2) });
    await grade(teacher, (await uploadEssay(teacher, assignment.id, { studentId: sly.id })).id, { criteriaScores: mathScores(0, 0) });
    const unmatched = await uploadEssay(teacher, assignment.id, { studentName: 'Mystery Kid' });
    expect(unmatched.studentId).toBeNull();
    await grade(teacher, unmatched.id, { criteriaScores: mathScores(5, 2) });
    await uploadEssay(teacher, assignment.id, { studentId: ava.id }); // not graded yet: not exported
    await proposeGrade(t, (await uploadEssay(teacher, assignment.id, { studentId: zoe.id })).id, { criteriaScores: mathScores(0, 2) }); // not approved: not exported

    const response = await exportCsv(teacher, assignment.id);

    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="fractions-unit-3-quiz-grades.csv"');
    expect(response.text.startsWith('\ufeffstudent,student id,total,max,percentage,')).toBe(true);
    expect(response.text).toContain('\r\n');
    const [header, ...rows] = rowsOf(response.text);
    expect(header).toEqual(['student', 'student id', 'total', 'max', 'percentage', 'Correct Answer (crit_1)', 'Shows Work (crit_2)', 'note']);

    const matched: Record<string, string[]> = {
      'Zoe Adams': ['Zoe Adams', 'S-300', '8', '8', '100', '5', '3', ''],
      'Ava Lee': ['Ava Lee', 'S-100', '5', '8', '62.5', '3', '2', ''],
      // A name a spreadsheet would run as a formula is escaped with a leading apostrophe.
      [sly.name]: [`'${sly.name}`, 'S-200', '0', '8', '0', '0', '0', ''],
    };
    const expected = [
      ...(await sortedNames(Object.keys(matched))).map((name) => matched[name]),
      ['', '', '7', '8', '87.5', '5', '2', `not matched to a student (submission ${unmatched.id}, labelled "Mystery Kid")`],
    ];
    expect(rows).toEqual(expected);
  });

  it('adds AI proposals only when asked, marked in the note column', async () => {
    const teacher = await signIn(t);
    const cls = await createClass(teacher);
    const ben = await addStudent(teacher, cls.id, { name: 'Ben Ortiz', studentId: 'S-7' });
    const assignment = await createAssignment(teacher, cls.id, rubricAssignmentBody({ title: 'Lab 2' }));
    await proposeGrade(t, (await uploadEssay(teacher, assignment.id, { studentId: ben.id })).id, { criteriaScores: mathScores(3, 3) });

    const approvedOnly = rowsOf((await exportCsv(teacher, assignment.id)).text);
    const withProposals = rowsOf((await exportCsv(teacher, assignment.id, '?includeUnapproved=true')).text);

    expect(approvedOnly).toHaveLength(1);
    expect(withProposals.slice(1)).toEqual([['Ben Ortiz', 'S-7', '6', '8', '75', '3', '3', 'AI proposal, not approved yet']]);
    await teacher.get(`/api/assignments/${assignment.id}/grades/export.csv?includeUnapproved=yes`).expect(400);
  });

  it('writes one column per question for an answer-key assignment', async () => {
    const teacher = await signIn(t);
    const cls = await createClass(teacher);
    const student = await addStudent(teacher, cls.id, { name: 'Mia Chen' });
    const assignment = await createAssignment(teacher, cls.id, answerKeyAssignmentBody({ title: 'Ünit 3 quiz' }));
    await grade(teacher, (await uploadEssay(teacher, assignment.id, { studentId: student.id })).id, { answers: ['42', 'no', 'Photosynthesis'], questionScores: [{ question: 2, score: 2.5 }] });

    const response = await exportCsv(teacher, assignment.id);

    expect(response.headers['content-disposition']).toBe('attachment; filename="unit-3-quiz-grades.csv"');
    expect(rowsOf(response.text)).toEqual([
      ['student', 'student id', 'total', 'max', 'percentage', 'Q1', 'Q2', 'Q3', 'note'],
      ['Mia Chen', '', '12.5', '15', '83.33', '5', '2.5', '5', ''],
    ]);
  });

  it('exports just the header for an assignment without grades', async () => {
    const teacher = await signIn(t);
    const cls = await createClass(teacher);
    const assignment = await createAssignment(teacher, cls.id);

    const response = await exportCsv(teacher, assignment.id);

    expect(rowsOf(response.text)).toEqual([['student', 'student id', 'total', 'max', 'percentage', 'Correct Answer (crit_1)', 'Shows Work (crit_2)', 'note']]);
  });
});
