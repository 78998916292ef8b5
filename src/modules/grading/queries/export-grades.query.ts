import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { stringify } from 'csv-stringify/sync';
import { DataSource } from 'typeorm';
import { answerKeyQuestions } from '../../../../libs/answer-key/answer-key.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { findGradedAssignment, type GradedAssignment, rubricCriteria } from '../grading.access.js';
import { exportFileName, questionId, type StoredAnswer, type StoredCriterionScore } from '../grading.rules.js';

export interface GradesExport {
  filename: string;
  /** UTF-8 with a byte order mark, so Excel opens accents and non-Latin names correctly. */
  csv: string;
}

/**
 * The gradebook CSV of an assignment: one row per graded submission, sorted by student name
 * (unmatched work last, its student blank and explained in the note column): student, student id
 * (the school's), total, max, percentage and each criterion's points ("<name> (<id>)") or each
 * question's (Q1 … Qn). Only approved grades unless `includeUnapproved`. Cells that a spreadsheet
 * would run as a formula are escaped.
 */
export class ExportGradesQuery extends Query<GradesExport> {
  constructor(
    readonly viewer: Actor,
    readonly assignmentId: string,
    readonly includeUnapproved: boolean,
  ) {
    super();
  }
}

interface ExportRow {
  submission_id: string;
  student_name: string | null;
  student: string | null;
  school_student_id: string | null;
  total_score: string;
  max_score: string;
  percentage: string;
  criteria_scores: StoredCriterionScore[] | null;
  answers: StoredAnswer[] | null;
  teacher_approved: boolean;
}

const BOM = '\ufeff';
const number = (value: string | number | null | undefined) => (value === null || value === undefined ? '' : String(Number(value)));

@QueryHandler(ExportGradesQuery)
export class ExportGradesHandler implements IQueryHandler<ExportGradesQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewer, assignmentId, includeUnapproved }: ExportGradesQuery): Promise<GradesExport> {
    const assignment = await findGradedAssignment(this.dataSource.manager, viewer, assignmentId);
    const rows: ExportRow[] = await this.dataSource.query(
      `SELECT s.id AS submission_id, s.student_name, st.name AS student, st.student_id AS school_student_id,
              g.total_score, g.max_score, g.percentage, g.criteria_scores, g.answers, g.teacher_approved
         FROM grades g
         JOIN submissions s ON s.id = g.submission_id
         LEFT JOIN students st ON st.id = s.student_id
        WHERE s.assignment_id = $1 AND (g.teacher_approved OR $2)
        ORDER BY st.name IS NULL, st.name, s.submitted_at, s.id`,
      [assignmentId, includeUnapproved],
    );

    const columns = await this.scoreColumns(assignment, rows);
    const header = ['student', 'student id', 'total', 'max', 'percentage', ...columns.map((column) => column.header), 'note'];
    const records = rows.map((row) => {
      const points = new Map<string, number>(
        row.criteria_scores ? row.criteria_scores.map((score) => [score.criterion_id, score.score]) : (row.answers ?? []).map((answer) => [questionId(answer.question), answer.points]),
      );
      const notes = [
        ...(row.student === null ? [`not matched to a student (submission ${row.submission_id}${row.student_name ? `, labelled "${row.student_name}"` : ''})`] : []),
        ...(row.teacher_approved ? [] : ['AI proposal, not approved yet']),
      ];
      return [row.student ?? '', row.school_student_id ?? '', number(row.total_score), number(row.max_score), number(row.percentage), ...columns.map((column) => number(points.get(column.id))), notes.join('; ')];
    });
    const csv = stringify([header, ...records], { escape_formulas: true, record_delimiter: 'windows' });
    return { filename: exportFileName(assignment.title), csv: BOM + csv };
  }

  /** The assignment's criteria in rubric order (then any other criterion its grades scored), or its questions. */
  private async scoreColumns(assignment: GradedAssignment, rows: ExportRow[]): Promise<Array<{ id: string; header: string }>> {
    if (assignment.gradingMode === 'answer_key') {
      return assignment.answerKey ? answerKeyQuestions(assignment.answerKey).map((question) => ({ id: questionId(question.question), header: questionId(question.question) })) : [];
    }
    const columns = assignment.rubricVersionId ? (await rubricCriteria(this.dataSource.manager, assignment.rubricVersionId)).map((c) => ({ id: c.id, header: `${c.name} (${c.id})` })) : [];
    const seen = new Set(columns.map((column) => column.id));
    for (const score of rows.flatMap((row) => row.criteria_scores ?? [])) {
      if (seen.has(score.criterion_id)) continue;
      seen.add(score.criterion_id);
      columns.push({ id: score.criterion_id, header: `${score.criterion_name} (${score.criterion_id})` });
    }
    return columns;
  }
}
