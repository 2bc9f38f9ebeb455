// ordo/adapters/ops-board: the live operations board as a node:http request handler, over the
// application layer's snapshot source (metrics from storage, jobs, dead letters, alerts).
import { createOpsSnapshotSource, type OpsSnapshotSourceOptions } from '../app/ops-snapshot.js';
import { ValidationError } from '../errors/validation-error.js';
import { createOpsBoardHandler, type OpsBoardHandler, type OpsBoardHandlerOptions } from './http/ops-board-handler.js';

export { createOpsBoardHandler } from './http/ops-board-handler.js';
export type { OpsBoardHandler, OpsBoardHandlerOptions } from './http/ops-board-handler.js';
export { createOpsSnapshotSource } from '../app/ops-snapshot.js';
export type { OpsSnapshotSourceOptions } from '../app/ops-snapshot.js';
export type { OpsSnapshot, OpsSnapshotSource, OpsAlert, OpsJobState, OpsDeadLetter } from '../ports/ops-board-port.js';

/** Options of {@link createOpsBoard}: the snapshot source's and the handler's. */
export interface OpsBoardOptions extends OpsSnapshotSourceOptions, Omit<OpsBoardHandlerOptions, 'source'> {}

/**
 * The live board: `http.createServer(createOpsBoard({ storage, clock, slas, runner }))`, or
 * `app.use('/ops', board)` in Express with `basePath: '/ops'`. Serves the page at the base path,
 * `snapshot.json`, and `events` (server-sent events, one snapshot every `intervalMs`).
 * @throws ValidationError `INVALID_OPTIONS`.
 */
export function createOpsBoard(options: OpsBoardOptions): OpsBoardHandler {
  if (typeof options !== 'object' || options === null) throw new ValidationError('createOpsBoard options', [{ code: 'invalid_type', path: [], message: 'Expected { storage, clock, slas?, runner?, ... }' }], { code: 'INVALID_OPTIONS' });
  const { basePath, intervalMs, title, authorize, onError, ...sourceOptions } = options;
  // The caller called createOpsBoard: problems are reported under that name, with their paths.
  const asBoardOptions = <T>(make: () => T): T => {
    try {
      return make();
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError('createOpsBoard options', error.issues, { code: 'INVALID_OPTIONS' });
      throw error;
    }
  };
  const source = asBoardOptions(() => createOpsSnapshotSource(sourceOptions));
  return asBoardOptions(() =>
    createOpsBoardHandler({
      source,
      ...(basePath === undefined ? {} : { basePath }),
      ...(intervalMs === undefined ? {} : { intervalMs }),
      ...(title === undefined ? {} : { title }),
      ...(authorize === undefined ? {} : { authorize }),
      ...(onError === undefined ? {} : { onError }),
    }),
  );
}
