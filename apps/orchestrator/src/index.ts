/**
 * @packageDocumentation
 * The orchestrator service, run from code rather than as `dist/main.js`: engine wiring,
 * status and admin HTTP API, consumers, outbox relay.
 *
 * Entry points: {@link createOrchestrator} (an {@link Orchestrator}, configured by
 * {@link OrchestratorOptions}: its {@link OrchestratorConfig} from
 * {@link loadOrchestratorConfig} and its saga definitions, which {@link loadSagasModule}
 * reads from the module `SAGAFLOW_SAGAS_MODULE` names, as `main.js` does, throwing a
 * {@link SagasModuleError} when it cannot); `orchestrator.metrics` is its
 * {@link OrchestratorMetrics}.
 *
 * @example
 * ```ts
 * const config = loadOrchestratorConfig(process.env);
 * const orchestrator = createOrchestrator({
 *   config,
 *   definitions: await loadSagasModule(config.sagasModule, process.cwd()),
 * });
 * await orchestrator.start();
 * process.once('SIGTERM', () => void orchestrator.stop());
 * ```
 */
export { loadOrchestratorConfig, type OrchestratorConfig } from './config';
export type { OrchestratorMetrics } from './metrics/orchestrator-metrics';
export { SagasModuleError } from './runtime/errors';
export { loadSagasModule } from './runtime/load-sagas-module';
export { createOrchestrator, type Orchestrator } from './runtime/orchestrator';
export type { OrchestratorOptions } from './runtime/orchestrator-options';
