import { type ParticipantOptions } from '@sagaflow/participant';

import { type ServiceConfig } from './config';

/** The participant options an example service takes from its configuration. */
export type ParticipantSettings = Pick<
  ParticipantOptions,
  | 'concurrency'
  | 'maxHandlerAttempts'
  | 'leaseMs'
  | 'recoveryIntervalMs'
  | 'instanceId'
  | 'topicPartitions'
>;

/**
 * What `createParticipant` gets from a service's `SAGAFLOW_*` configuration: worker
 * concurrency, handler attempts, the EventProcess lease, the recovery interval, the topics'
 * partitions and, when set, the instance id (else the participant's default, the host
 * name).
 *
 * @example
 * ```ts
 * createParticipant({ name, dataSource, kafka, topics, handlers, ...participantSettings(config) });
 * ```
 */
export function participantSettings(config: ServiceConfig): ParticipantSettings {
  return {
    concurrency: config.workerConcurrency,
    maxHandlerAttempts: config.handlerAttempts,
    leaseMs: config.eventProcessLeaseMs,
    recoveryIntervalMs: config.recoveryIntervalMs,
    topicPartitions: config.topics.partitions,
    ...(config.instanceId === null ? {} : { instanceId: config.instanceId }),
  };
}
