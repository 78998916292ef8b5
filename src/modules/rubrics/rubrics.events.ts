import { defineEvent } from '../../../libs/event-store/event.js';

/**
 * Rubrics and their versions. A rubric's stream version equals its current version until it is
 * deleted: every create and edit appends one event and one immutable rubric_versions row. Grades
 * point at a rubric_versions id (`versionId`), never at the mutable rubric. Payloads carry ids,
 * versions, field names and point totals; never criterion text.
 */
export const RubricCreated = defineEvent<{
  rubricId: string;
  ownerId: string;
  /** The rubric_versions row of version 1. */
  versionId: string;
  version: number;
  /** The template or own rubric this one was copied from. */
  copiedFromId: string | null;
  criterionIds: string[];
  maxPoints: number;
}>({
  type: 'RubricCreated',
  action: 'rubric.create',
  streamType: 'rubric',
});

/** An edit made a new version; the previous versions stay exactly as they were. */
export const RubricVersioned = defineEvent<{
  rubricId: string;
  ownerId: string;
  /** The rubric_versions row of `toVersion`. */
  versionId: string;
  fromVersion: number;
  toVersion: number;
  /** API field names that changed: name, description, subject, gradeLevel, criteria. */
  changed: string[];
  maxPoints: number;
}>({
  type: 'RubricVersioned',
  action: 'rubric.update',
  streamType: 'rubric',
});

/** Soft delete: the rubric leaves lists and edits; its versions stay for the grades scored with them. */
export const RubricDeleted = defineEvent<{ rubricId: string; ownerId: string; version: number }>({
  type: 'RubricDeleted',
  action: 'rubric.delete',
  streamType: 'rubric',
});

/** One level of a criterion, as stored in rubrics.criteria and rubric_versions.criteria. */
export interface RubricCriterionLevel {
  points: number;
  description: string;
}

/** One criterion, in the seed's stored JSON shape (snake_case `max_points`), for modules that read rubric versions. */
export interface RubricCriterion {
  id: string;
  name: string;
  description?: string;
  max_points: number;
  levels: RubricCriterionLevel[];
}

/** The template rubrics shipped by the Rubrics migration; their ids never change. */
export const TemplateRubricIds = {
  mathProblemSolving: '5eed0000-0000-4000-8000-000000000001',
  readingComprehension: '5eed0000-0000-4000-8000-000000000002',
  sixTraitWriting: '5eed0000-0000-4000-8000-000000000003',
  shortAnswer: '5eed0000-0000-4000-8000-000000000004',
  labReport: '5eed0000-0000-4000-8000-000000000005',
} as const;
