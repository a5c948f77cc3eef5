/**
 * The id of the reply to a command: `<commandMessageId>.r`. Deterministic on purpose: a
 * participant that answers a redelivered command again produces the same reply id, and
 * the orchestrator's EventProcess table discards the duplicate.
 *
 * @example
 * ```ts
 * replyMessageId('s-42.reserve-credit.f.1'); // 's-42.reserve-credit.f.1.r'
 * ```
 */
export function replyMessageId(commandMessageId: string): string {
  return `${commandMessageId}.r`;
}
