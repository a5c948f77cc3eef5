import { type Envelope, type EnvelopeKind } from '@sagaflow/messaging';

/**
 * Whether a consumer takes a decoded message: `ok`, or a dead letter with a stable reason
 * code (see {@link RejectReason}) and a readable message.
 */
export type AcceptDecision =
  { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };

/** Decides, for each decoded envelope, whether the consumer takes it. Must not throw. */
export type AcceptEnvelope = (envelope: Envelope) => AcceptDecision;

/** The reason codes {@link acceptOnly} gives. */
export const RejectReason = {
  /** A kind this consumer does not take: a reply on a command topic, or the reverse. */
  WrongKind: 'WRONG_KIND',
  /** A message type without handler here. */
  UnknownMessageType: 'UNKNOWN_MESSAGE_TYPE',
  /** A command addressed to another participant. */
  WrongParticipant: 'WRONG_PARTICIPANT',
} as const;

/** What {@link acceptOnly} lets through; an omitted rule lets everything through. */
export interface AcceptRules {
  readonly kinds?: readonly EnvelopeKind[];
  readonly messageTypes?: readonly string[];
  /** Commands and compensations must name this participant. */
  readonly participant?: string;
}

const ACCEPTED: AcceptDecision = { ok: true };

/** Takes every decoded message. */
export const acceptAll: AcceptEnvelope = () => ACCEPTED;

/**
 * An {@link AcceptEnvelope} from rules.
 *
 * @example
 * ```ts
 * // the orchestrator's replies consumer
 * acceptOnly({ kinds: ['reply'] });
 * // a participant's command consumer
 * acceptOnly({ kinds: ['command', 'compensation'], participant: 'payment-service', messageTypes: ['ReserveCredit', 'ReleaseCredit'] });
 * ```
 */
export function acceptOnly(rules: AcceptRules): AcceptEnvelope {
  const kinds = rules.kinds === undefined ? undefined : new Set<string>(rules.kinds);
  const types = rules.messageTypes === undefined ? undefined : new Set(rules.messageTypes);
  return (envelope) => {
    if (kinds !== undefined && !kinds.has(envelope.kind)) {
      return {
        ok: false,
        code: RejectReason.WrongKind,
        message: `kind '${envelope.kind}' is not consumed here (expected ${[...kinds].join(' or ')})`,
      };
    }
    if (
      rules.participant !== undefined &&
      envelope.kind !== 'reply' &&
      envelope.participant !== rules.participant
    ) {
      return {
        ok: false,
        code: RejectReason.WrongParticipant,
        message: `command for participant '${envelope.participant}' reached '${rules.participant}'`,
      };
    }
    if (types !== undefined && !types.has(envelope.messageType)) {
      return {
        ok: false,
        code: RejectReason.UnknownMessageType,
        message: `message type '${envelope.messageType}' has no handler here`,
      };
    }
    return ACCEPTED;
  };
}
