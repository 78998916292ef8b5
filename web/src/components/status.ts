import type { Schemas } from '../api/client';

export type AssignmentStatus = Schemas['AssignmentDto']['status'];

export const ASSIGNMENT_STATUS: Record<AssignmentStatus, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'gray.8' },
  active: { label: 'Active', color: 'green.9' },
  closed: { label: 'Closed', color: 'orange.9' },
  archived: { label: 'Archived', color: 'dark.4' },
};

/** The moves the server allows from each status (assignments.rules.ts), with the button's words. */
export const ASSIGNMENT_MOVES: Record<AssignmentStatus, Array<{ to: AssignmentStatus; label: string; help: string }>> = {
  draft: [
    { to: 'active', label: 'Activate', help: 'Open it for uploads and grading; the rubric or answer key is then fixed.' },
    { to: 'archived', label: 'Archive draft', help: 'Put the unused draft away.' },
  ],
  active: [{ to: 'closed', label: 'Close', help: 'Stop new uploads; grading and review go on.' }],
  closed: [
    { to: 'active', label: 'Reopen', help: 'Accept uploads again.' },
    { to: 'archived', label: 'Archive', help: 'Put it away; it stays on record.' },
  ],
  archived: [],
};
