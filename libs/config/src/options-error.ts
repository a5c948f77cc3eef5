import { SagaflowError, type SagaflowErrorOptions } from '@sagaflow/core';

/** One option that failed validation. */
export interface OptionIssue {
  /** The option's path, e.g. `retry.retries`. */
  readonly field: string;
  /** The value that was given, rendered for humans (secrets masked). */
  readonly value: string;
  /** The form the option must have, e.g. `an integer ≥ 0`. */
  readonly expected: string;
}

/**
 * Options passed to a factory or constructor are invalid (a programming or wiring error,
 * not a runtime condition). The message names the component, each bad field, its value and
 * the expected form. Terminal. Raised through {@link checkOptions}.
 */
export class OptionsError extends SagaflowError {
  readonly code = 'OPTIONS_INVALID';
  readonly retryable = false;
  /** The component whose options failed, e.g. `createKafka`. */
  readonly component: string;
  /** Every field that failed. */
  readonly issues: readonly OptionIssue[];

  constructor(component: string, issues: readonly OptionIssue[], options?: SagaflowErrorOptions) {
    super(
      `${component}: invalid options: ${issues
        .map((i) => `${i.field}=${i.value} (expected ${i.expected})`)
        .join('; ')}`,
      options,
    );
    this.component = component;
    this.issues = issues;
  }
}
