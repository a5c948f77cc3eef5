import { z } from 'zod';
import { DefinitionError, UnknownSagaTypeError } from '../errors/errors';
import { defineSaga } from './define-saga';
import { DefinitionRegistry } from './definition-registry';

const version = (name: string, v: number) =>
  defineSaga(name, { version: v, input: z.object({}) })
    .step('only', (s) => s.invoke('svc', 'Do', () => ({})).readOnly())
    .build();

describe('DefinitionRegistry', () => {
  const orderV1 = version('order', 1);
  const orderV2 = version('order', 2);
  const billing = version('billing', 1);

  it('finds a definition by name and version, and the latest version of a name', () => {
    const registry = new DefinitionRegistry().register(orderV2).register(billing).register(orderV1);
    expect(registry.get('order', 1)).toBe(orderV1);
    expect(registry.get('order', 2)).toBe(orderV2);
    expect(registry.latest('order')).toBe(orderV2);
    expect(registry.latest('billing')).toBe(billing);
  });

  it('lists every definition by name, then version', () => {
    const registry = new DefinitionRegistry().register(orderV2).register(billing).register(orderV1);
    expect(registry.list()).toEqual([billing, orderV1, orderV2]);
    expect(new DefinitionRegistry().list()).toEqual([]);
  });

  it('refuses the same name and version twice', () => {
    const registry = new DefinitionRegistry().register(orderV1);
    expect(() => registry.register(version('order', 1))).toThrow(
      new DefinitionError("saga definition 'order' version 1 is already registered"),
    );
  });

  it('throws UnknownSagaTypeError for what is not registered', () => {
    const registry = new DefinitionRegistry().register(orderV1);
    expect(() => registry.get('order', 3)).toThrow(UnknownSagaTypeError);
    expect(() => registry.get('order', 3)).toThrow(
      "no saga definition 'order' version 3 is registered",
    );
    expect(() => registry.latest('shipping')).toThrow(
      "no saga definition named 'shipping' is registered",
    );
  });
});
