/** The wire shape of an impact preview: every (user, project) whose effective level would drop. */
import { type Level, levelName } from '../../access/access-types.js';

export interface Impact {
  userId: string;
  projectId: string;
  from: Level;
  to: Level;
  missingAssets?: string[];
}

export function presentImpact(list: Impact[]) {
  return list.map((i) => ({
    userId: i.userId,
    projectId: i.projectId,
    from: levelName(i.from),
    to: levelName(i.to),
    ...(i.missingAssets ? { missingAssets: i.missingAssets } : {}),
  }));
}
