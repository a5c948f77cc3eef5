import { DefinitionError, UnknownSagaTypeError } from '../errors/errors';
import { type AnySagaDefinition } from './saga-definition';

/**
 * The saga definitions a runtime knows, by name and version. A running saga stays on the
 * version it started with, so old versions stay registered while sagas still run on them;
 * new sagas start on {@link DefinitionRegistry.latest}.
 *
 * @example
 * ```ts
 * const registry = new DefinitionRegistry().register(placeOrderV1).register(placeOrderV2);
 * registry.latest('place-order').version; // 2
 * registry.get('place-order', 1);         // for sagas started on v1
 * ```
 */
export class DefinitionRegistry {
  private readonly byName = new Map<string, Map<number, AnySagaDefinition>>();

  /**
   * Adds a definition.
   *
   * @throws DefinitionError when that name and version is already registered.
   */
  register(definition: AnySagaDefinition): this {
    const versions = this.byName.get(definition.name) ?? new Map<number, AnySagaDefinition>();
    if (versions.has(definition.version)) {
      throw new DefinitionError(
        `saga definition '${definition.name}' version ${definition.version} is already registered`,
        { context: { sagaType: definition.name, sagaVersion: definition.version } },
      );
    }
    versions.set(definition.version, definition);
    this.byName.set(definition.name, versions);
    return this;
  }

  /**
   * The definition of that name and version.
   *
   * @throws UnknownSagaTypeError when it is not registered.
   */
  get(name: string, version: number): AnySagaDefinition {
    const definition = this.byName.get(name)?.get(version);
    if (definition === undefined) throw new UnknownSagaTypeError(name, version);
    return definition;
  }

  /**
   * The highest registered version of that name: the one new sagas start on.
   *
   * @throws UnknownSagaTypeError when no version is registered.
   */
  latest(name: string): AnySagaDefinition {
    const versions = [...(this.byName.get(name)?.values() ?? [])];
    const latest = versions.reduce<AnySagaDefinition | null>(
      (best, candidate) => (best === null || candidate.version > best.version ? candidate : best),
      null,
    );
    if (latest === null) throw new UnknownSagaTypeError(name);
    return latest;
  }

  /** Every registered definition, by name, then version. */
  list(): readonly AnySagaDefinition[] {
    return [...this.byName.values()]
      .flatMap((versions) => [...versions.values()])
      .sort((a, b) => (a.name === b.name ? a.version - b.version : a.name < b.name ? -1 : 1));
  }
}
