import { type IHeaders } from 'kafkajs';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as UTF-8 text, or undefined when they are not valid UTF-8. */
export function strictText(bytes: Buffer): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // Invalid UTF-8 is an answer here, not a failure: the caller dead-letters the record.
    return undefined;
  }
}

/** The bytes as text, invalid UTF-8 sequences replaced by U+FFFD; null stays null. */
export function lenientText(bytes: Buffer | null): string | null {
  return bytes === null ? null : bytes.toString('utf8');
}

/**
 * Record headers as text. A header sent several times keeps its last value, as Kafka's
 * `lastHeader` does; a header without value is dropped.
 */
export function headersText(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    text[name] = typeof value === 'string' ? value : value.toString('utf8');
  }
  return text;
}
