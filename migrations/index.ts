import { Foundation1764050000000 } from './1764050000000-Foundation.js';
import { Rubrics1764060000000 } from './1764060000000-Rubrics.js';
import { Assignments1764070000000 } from './1764070000000-Assignments.js';
import { Submissions1764080000000 } from './1764080000000-Submissions.js';
import { Grades1764090000000 } from './1764090000000-Grades.js';
import { AiGrading1764100000000 } from './1764100000000-AiGrading.js';
import { OptimisticProjectionWrites1764110000000 } from './1764110000000-OptimisticProjectionWrites.js';
import { ReadModelFillfactor1764120000000 } from './1764120000000-ReadModelFillfactor.js';
import { DashboardClasses1764130000000 } from './1764130000000-DashboardClasses.js';

/** Every migration, oldest first. Add new ones at the end; never edit one that has landed. */
export const migrations = [Foundation1764050000000, Rubrics1764060000000, Assignments1764070000000, Submissions1764080000000, Grades1764090000000, AiGrading1764100000000, OptimisticProjectionWrites1764110000000, ReadModelFillfactor1764120000000, DashboardClasses1764130000000];
