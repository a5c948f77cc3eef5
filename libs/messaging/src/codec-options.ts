import { checkOptions, isPositiveInteger } from '@sagaflow/core';

/** 1 MiB: Kafka's default largest record (`message.max.bytes`) is just above it. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_576;

/** Options of the envelope and dead-letter codecs. */
export interface CodecOptions {
  /**
   * Largest encoded message, in UTF-8 bytes. Larger input is rejected without being
   * parsed (`MESSAGE_TOO_LARGE`); a larger message is refused by the encoder. Keep it below
   * the topics' `max.message.bytes` minus room for headers.
   *
   * @defaultValue 1048576 (1 MiB)
   */
  readonly maxBytes?: number;
}

/** {@link CodecOptions} with defaults applied. */
export interface ResolvedCodecOptions {
  readonly maxBytes: number;
}

/**
 * Applies the defaults of {@link CodecOptions} and validates them.
 *
 * @throws `InvalidArgumentError` (`OPTIONS_INVALID`) naming the field and the bad value.
 */
export function resolveCodecOptions(options: CodecOptions = {}): ResolvedCodecOptions {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  checkOptions('resolveCodecOptions', [
    ['maxBytes', maxBytes, isPositiveInteger(maxBytes), 'an integer > 0'],
  ]);
  return { maxBytes };
}
