import { type JsonObject } from './json';
import { type Direction } from './saga-command';

/** Why a participant answered with a failure. */
export interface ReplyFailure {
  /** `business`: refused, changed nothing, never retried. `technical`: could not process. */
  readonly kind: 'business' | 'technical';
  readonly code: string;
  readonly message: string;
}

/** Fields every reply carries: which saga, step, direction and attempt it answers. */
interface ReplyInputBase {
  readonly type: 'reply';
  /** The reply message's own id (for duplicate detection and the audit trail). */
  readonly replyId: string;
  readonly sagaId: string;
  readonly step: string;
  readonly direction: Direction;
  readonly attempt: number;
}

/**
 * A participant's reply as the decider sees it. `@sagaflow/messaging` maps a decoded reply
 * envelope to this.
 */
export type ReplyInput =
  | (ReplyInputBase & { readonly outcome: 'success'; readonly payload: JsonObject })
  | (ReplyInputBase & { readonly outcome: 'failure'; readonly failure: ReplyFailure });
