import { type Outbox } from '@sagaflow/core';

/**
 * The outbox as `GET /stats` sees it: how many messages wait for the relay. Any core
 * `Outbox` (the MySQL one in production) fits.
 *
 * @example
 * ```ts
 * createHttpApi({ ...deps, outbox: mysqlOutbox }, options);
 * ```
 */
export type OutboxBacklogPort = Pick<Outbox, 'pendingCount'>;
