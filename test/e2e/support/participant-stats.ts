import { type Stack, type StackProcessName } from '@sagaflow/stack';

/** A participant's counters, as its `GET /stats` answers them. */
export interface ParticipantStats {
  readonly handled: number;
  readonly applied: number;
  /** Redelivered commands the EventProcess table dropped (duplicates). */
  readonly redelivered: number;
  readonly stepDuplicates: number;
  readonly businessFailures: number;
  readonly technicalFailures: number;
  readonly deadLetters: number;
}

/** `GET /stats` of an example service. */
export async function participantStats(
  stack: Stack,
  name: Exclude<StackProcessName, 'orchestrator'>,
): Promise<ParticipantStats> {
  const response = await fetch(`${stack.url(name)}/stats`);
  if (!response.ok) throw new Error(`GET ${name} /stats answered ${response.status}`);
  return (await response.json()) as ParticipantStats;
}
