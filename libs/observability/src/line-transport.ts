import TransportStream from 'winston-transport';

/** winston's key for the final, formatted line (triple-beam's MESSAGE). */
export const MESSAGE = Symbol.for('message');

/**
 * A winston transport that writes each formatted line, plus `\n`, to a stream. Used instead
 * of winston's `Stream` transport, whose typings declare no class (type-aware lint rejects
 * constructing it) and which adds nothing here.
 */
export class LineTransport extends TransportStream {
  constructor(private readonly destination: NodeJS.WritableStream) {
    super();
  }

  override log(info: Record<symbol, unknown>, next: () => void): void {
    const line = info[MESSAGE];
    if (typeof line === 'string') this.destination.write(`${line}\n`);
    next();
  }
}
