import { ApiToken } from './modules/auth/api-token.entity.js';
import { School } from './modules/auth/school.entity.js';
import { Session } from './modules/auth/session.entity.js';
import { User } from './modules/auth/user.entity.js';
import { SchoolClass } from './modules/classes/school-class.entity.js';
import { Student } from './modules/classes/student.entity.js';
import { RubricVersion } from './modules/rubrics/rubric-version.entity.js';
import { Rubric } from './modules/rubrics/rubric.entity.js';
import { Assignment } from './modules/assignments/assignment.entity.js';
import { SubmissionPage } from './modules/submissions/submission-page.entity.js';
import { Submission } from './modules/submissions/submission.entity.js';
import { Upload } from './modules/submissions/upload.entity.js';
import { DashboardClass } from './modules/dashboard/dashboard-class.entity.js';
import { AssignmentStats } from './modules/grading/assignment-stats.entity.js';
import { Grade } from './modules/grading/grade.entity.js';

/** Every TypeORM entity, listed explicitly (TypeORM 1.x under ESM loads no globs). */
export const entities: Function[] = [User, School, Session, ApiToken, SchoolClass, Student, DashboardClass, Rubric, RubricVersion, Assignment, Upload, Submission, SubmissionPage, Grade, AssignmentStats];
