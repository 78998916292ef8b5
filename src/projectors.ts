import type { Projector } from '../libs/event-store/projector.js';
import { dashboardClassesProjector } from './modules/dashboard/projections/dashboard-classes.projector.js';
import { assignmentStatsProjector } from './modules/grading/projections/assignment-stats.projector.js';

/**
 * Every projector, listed explicitly for `projections:rebuild`, which runs without the Nest
 * application. At startup the owning modules register these same objects into the ProjectorRegistry
 * (the dashboard rebuild e2e test checks the two lists agree).
 */
export const projectors: readonly Projector<any>[] = [dashboardClassesProjector, assignmentStatsProjector];
