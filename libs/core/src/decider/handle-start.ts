import { InvalidSagaInputError } from '../errors/errors';
import { type AnySagaDefinition } from '../definition/saga-definition';
import { formatIssues } from '../errors/describe';
import { DecisionBuilder } from './decision-builder';
import { dispatchNode } from './forward-progress';
import { toJsonObject } from './json-object';
import { type SagaDecision } from './saga-decision';
import { type StartInput } from './saga-input';

/** Ids the decider builds message and timer ids from: only `[A-Za-z0-9._-]`. */
const SAGA_ID_PATTERN = /^[A-Za-z0-9._-]{1,200}$/;

/** Validates the input, starts the saga and dispatches its first node. */
export function handleStart(
  definition: AnySagaDefinition,
  input: StartInput,
  now: Date,
): SagaDecision {
  const context = { sagaId: input.sagaId, sagaType: definition.name };
  const invalid = (issues: readonly string[]): InvalidSagaInputError =>
    new InvalidSagaInputError(
      `invalid start of saga '${definition.name}' v${definition.version}: ${issues.join('; ')}`,
      issues,
      { context },
    );
  if (!SAGA_ID_PATTERN.test(input.sagaId)) {
    throw invalid([`sagaId: must match ${String(SAGA_ID_PATTERN)}`]);
  }
  if (input.businessKey === '') throw invalid(['businessKey: must not be empty']);
  const parsed = definition.input.safeParse(input.input);
  if (!parsed.success) throw invalid(formatIssues(parsed.error.issues));
  const data = toJsonObject(parsed.data);
  if (!data.ok) throw invalid([`input: ${data.problem}`]);

  const b = DecisionBuilder.starting(
    definition,
    {
      type: 'SagaStarted',
      sagaId: input.sagaId,
      sagaType: definition.name,
      sagaVersion: definition.version,
      businessKey: input.businessKey,
      input: data.value,
    },
    now,
  );
  dispatchNode(b, 0);
  return b.finish();
}
