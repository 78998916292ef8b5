import { Foundation1764050000000 } from './1764050000000-Foundation.js';
import { Rubrics1764060000000 } from './1764060000000-Rubrics.js';
import { Assignments1764070000000 } from './1764070000000-Assignments.js';

/** Every migration, oldest first. Add new ones at the end; never edit one that has landed. */
export const migrations = [Foundation1764050000000, Rubrics1764060000000, Assignments1764070000000];
