import type { ProjectedEvent } from '../../../../libs/event-store/event.js';
import type { Projector } from '../../../../libs/event-store/projector.js';
import { AssignmentCreated } from '../../assignments/assignments.events.js';
import { ClassArchived, ClassCreated, ClassReassigned, StudentAdded, StudentRemoved } from '../../classes/classes.events.js';
import { SubmissionStatusChanged, SubmissionUploaded } from '../../submissions/submissions.events.js';
import { type ClassTally, TeacherDashboard } from '../teacher-dashboard.entity.js';

type Payload = Record<string, any>;
/** How an event changes the tally of the class it names, on the row of `userId`. */
type ClassChange = (tally: ClassTally, data: Payload, userId: string) => ClassTally;

/**
 * Every change is an increment or a one-way flag, so changes commute: the row does not depend on
 * the order in which concurrent transactions reached it, and replaying the log in transaction-id
 * order gives the row the live path built in commit order. Assignment and submission events
 * become one line each here, plus a field in ClassTally and in totals().
 */
const classChanges: Record<string, ClassChange> = {
  [ClassCreated.type]: (tally) => ({ ...tally, owned: tally.owned + 1 }),
  // The class and its roster leave the previous owner's row and join the new owner's.
  [ClassReassigned.type]: (tally, data, userId) => {
    const sign = userId === data.ownerId ? 1 : -1;
    const students = typeof data.students === 'number' ? data.students : 0;
    const assignments = typeof data.assignments === 'number' ? data.assignments : 0;
    const submissions = typeof data.submissions === 'number' ? data.submissions : 0;
    const pending = typeof data.pendingSubmissions === 'number' ? data.pendingSubmissions : 0;
    return {
      ...tally,
      owned: tally.owned + sign,
      students: tally.students + sign * students,
      assignments: assignmentsOf(tally) + sign * assignments,
      submissions: submissionsOf(tally) + sign * submissions,
      pending: pendingOf(tally) + sign * pending,
    };
  },
  [ClassArchived.type]: (tally) => ({ ...tally, archived: true }),
  [StudentAdded.type]: (tally) => ({ ...tally, students: tally.students + 1 }),
  [StudentRemoved.type]: (tally) => ({ ...tally, students: tally.students - 1 }),
  [AssignmentCreated.type]: (tally) => ({ ...tally, assignments: assignmentsOf(tally) + 1 }),
  [SubmissionUploaded.type]: (tally, data) => ({ ...tally, submissions: submissionsOf(tally) + 1, pending: pendingOf(tally) + (data.status === 'pending' ? 1 : 0) }),
  // Counted per distinct submission (the seed view's pending count multiplied it by the roster size).
  [SubmissionStatusChanged.type]: (tally, data) => ({ ...tally, pending: pendingOf(tally) + (data.to === 'pending' ? 1 : 0) - (data.from === 'pending' ? 1 : 0) }),
};

const assignmentsOf = (tally: ClassTally) => tally.assignments ?? 0;
const submissionsOf = (tally: ClassTally) => tally.submissions ?? 0;
const pendingOf = (tally: ClassTally) => tally.pending ?? 0;

const EMPTY_TALLY: ClassTally = { owned: 0, students: 0, assignments: 0, submissions: 0, pending: 0, archived: false };

const isEmpty = (tally: ClassTally) => tally.owned === 0 && tally.students === 0 && assignmentsOf(tally) === 0 && submissionsOf(tally) === 0 && pendingOf(tally) === 0 && !tally.archived;

/** A status change that neither enters nor leaves pending changes no count, so it does not lock the teacher's row. */
const changesNoCount = (event: ProjectedEvent) => event.type === SubmissionStatusChanged.type && event.data.from !== 'pending' && event.data.to !== 'pending';

function initial(userId: string): TeacherDashboard {
  return { userId, totalClasses: 0, totalStudents: 0, totalAssignments: 0, totalSubmissions: 0, pendingSubmissions: 0, classes: {} };
}

/** Totals over the classes the teacher owns and has not archived, as the seed's teacher_dashboard view counts them. */
function totals(classes: Record<string, ClassTally>): Pick<TeacherDashboard, 'totalClasses' | 'totalStudents' | 'totalAssignments' | 'totalSubmissions' | 'pendingSubmissions'> {
  let totalClasses = 0;
  let totalStudents = 0;
  let totalAssignments = 0;
  let totalSubmissions = 0;
  let pendingSubmissions = 0;
  for (const tally of Object.values(classes)) {
    if (tally.owned <= 0 || tally.archived) continue;
    totalClasses += 1;
    totalStudents += tally.students;
    totalAssignments += assignmentsOf(tally);
    totalSubmissions += submissionsOf(tally);
    pendingSubmissions += pendingOf(tally);
  }
  return { totalClasses, totalStudents, totalAssignments, totalSubmissions, pendingSubmissions };
}

export function evolveTeacherDashboard(row: TeacherDashboard, event: ProjectedEvent): TeacherDashboard {
  const change = classChanges[event.type];
  const classId: unknown = event.data.classId;
  if (!change || typeof classId !== 'string') return row;
  const tally = change(row.classes[classId] ?? EMPTY_TALLY, event.data, row.userId);
  const classes = { ...row.classes, [classId]: tally };
  // An empty tally behaves exactly like a missing one, so dropping it keeps changes commutative.
  if (isEmpty(tally)) delete classes[classId];
  return { ...row, classes, ...totals(classes) };
}

/** One teacher_dashboard row per class owner, kept inside every write and rebuilt by projections:rebuild. */
export const teacherDashboardProjector: Projector<TeacherDashboard> = {
  name: 'teacher_dashboard',
  entity: TeacherDashboard,
  table: 'teacher_dashboard',
  keyProperty: 'userId',
  keyColumn: 'user_id',
  // ClassUpdated changes no count, so it is not handled: it would only lock the teacher's row.
  eventTypes: Object.keys(classChanges),
  keyOf: (event) => {
    const { ownerId, previousOwnerId } = event.data;
    if (typeof ownerId !== 'string' || changesNoCount(event)) return null;
    return event.type === ClassReassigned.type && typeof previousOwnerId === 'string' ? [previousOwnerId, ownerId] : ownerId;
  },
  initial,
  evolve: evolveTeacherDashboard,
};

/** The classes a teacher owns now, archived ones included, ordered by id. */
export function ownedClasses(row: TeacherDashboard): Array<{ classId: string } & ClassTally> {
  return Object.entries(row.classes)
    .filter(([, tally]) => tally.owned > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([classId, tally]) => ({ classId, ...tally }));
}
