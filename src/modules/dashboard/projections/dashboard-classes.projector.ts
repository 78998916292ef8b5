import type { ProjectedEvent } from '../../../../libs/event-store/event.js';
import type { Projector } from '../../../../libs/event-store/projector.js';
import { AssignmentCreated } from '../../assignments/assignments.events.js';
import { ClassArchived, ClassCreated, ClassReassigned, StudentAdded, StudentRemoved } from '../../classes/classes.events.js';
import { SubmissionStatusChanged, SubmissionUploaded } from '../../submissions/submissions.events.js';
import { DashboardClass } from '../dashboard-class.entity.js';

type Payload = Record<string, any>;

/**
 * How each event changes its class's row. Counts are increments, the archive flag is one-way and
 * the owner is set only by the class's own stream (creation, then reassignments, which carry
 * expected versions and so commit in transaction-id order): concurrent events on one class commute,
 * and replaying the log in transaction-id order gives the row the live path built in commit order.
 */
const changes: Record<string, (row: DashboardClass, data: Payload) => DashboardClass> = {
  [ClassCreated.type]: (row, data) => ({ ...row, ownerId: data.ownerId }),
  [ClassReassigned.type]: (row, data) => ({ ...row, ownerId: data.ownerId }),
  [ClassArchived.type]: (row) => ({ ...row, archived: true }),
  [StudentAdded.type]: (row) => ({ ...row, students: row.students + 1 }),
  [StudentRemoved.type]: (row) => ({ ...row, students: row.students - 1 }),
  [AssignmentCreated.type]: (row) => ({ ...row, assignments: row.assignments + 1 }),
  [SubmissionUploaded.type]: (row, data) => ({ ...row, submissions: row.submissions + 1, pending: row.pending + (data.status === 'pending' ? 1 : 0) }),
  // Counted per distinct submission (the seed view's pending count multiplied it by the roster size).
  [SubmissionStatusChanged.type]: (row, data) => ({ ...row, pending: row.pending + (data.to === 'pending' ? 1 : 0) - (data.from === 'pending' ? 1 : 0) }),
};

/** A status change that neither enters nor leaves pending changes no count, so it does not write the class's row. */
const changesNoCount = (event: ProjectedEvent) => event.type === SubmissionStatusChanged.type && event.data.from !== 'pending' && event.data.to !== 'pending';

export function evolveDashboardClass(row: DashboardClass, event: ProjectedEvent): DashboardClass {
  const change = changes[event.type];
  return change ? change(row, event.data) : row;
}

/** One dashboard_classes row per class, kept inside every write and rebuilt by projections:rebuild. */
export const dashboardClassesProjector: Projector<DashboardClass> = {
  name: 'dashboard_classes',
  entity: DashboardClass,
  table: 'dashboard_classes',
  keyProperty: 'classId',
  keyColumn: 'class_id',
  // ClassUpdated changes no count, so it is not handled: it would only write the class's row.
  eventTypes: Object.keys(changes),
  createdBy: [ClassCreated.type],
  keyOf: (event) => (typeof event.data.classId === 'string' && !changesNoCount(event) ? event.data.classId : null),
  initial: (classId) => ({ classId, ownerId: null, students: 0, assignments: 0, submissions: 0, pending: 0, archived: false }),
  evolve: evolveDashboardClass,
};

/** A teacher's totals over the classes they own and have not archived, as the seed's teacher_dashboard view counts them. */
export function dashboardTotals(classes: readonly DashboardClass[]): { totalClasses: number; totalStudents: number; totalAssignments: number; totalSubmissions: number; pendingSubmissions: number } {
  const active = classes.filter((row) => !row.archived);
  const sum = (pick: (row: DashboardClass) => number) => active.reduce((total, row) => total + pick(row), 0);
  return {
    totalClasses: active.length,
    totalStudents: sum((row) => row.students),
    totalAssignments: sum((row) => row.assignments),
    totalSubmissions: sum((row) => row.submissions),
    pendingSubmissions: sum((row) => row.pending),
  };
}
