/**
 * The orchestrator service: `node apps/orchestrator/dist/main.js`. Configuration comes from
 * `SAGAFLOW_*` variables (see the README); the saga definitions from the module named by
 * `SAGAFLOW_SAGAS_MODULE`. SIGTERM or SIGINT stops it gracefully (exit 0); a second signal,
 * or a stop that takes longer than 30 s, ends it at once (exit 1). An unhandled error is
 * logged and ends it (exit 1): everything it had accepted is in MySQL for the next start.
 */
import { describeError, type Logger } from '@sagaflow/core';
import { createLogger } from '@sagaflow/observability';

import { loadOrchestratorConfig } from './config';
import { loadSagasModule } from './runtime/load-sagas-module';
import { createOrchestrator, type Orchestrator } from './runtime/orchestrator';

/** A stop that hangs (a broker or database gone) must not keep the process forever. */
const STOP_TIMEOUT_MS = 30_000;

/** Until the configuration is read, lines go out under the default service name. */
let logger: Logger = createLogger({ service: 'orchestrator' });

function exit(code: number): never {
  process.exit(code);
}

function handleSignals(orchestrator: Orchestrator): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn('second signal: exiting without finishing the stop', { signal });
      exit(1);
    }
    stopping = true;
    logger.info('signal received: stopping', { signal });
    setTimeout(() => {
      logger.error('stop did not finish in time: exiting', { timeoutMs: STOP_TIMEOUT_MS });
      exit(1);
    }, STOP_TIMEOUT_MS).unref();
    orchestrator.stop().then(
      () => exit(0),
      (error: unknown) => {
        logger.error('stopped with failures', { error: describeError(error, { stack: true }) });
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function main(): Promise<void> {
  process.on('unhandledRejection', (reason: unknown) => {
    logger.error('unhandled rejection: exiting', { error: describeError(reason, { stack: true }) });
    exit(1);
  });
  process.on('uncaughtException', (error: Error) => {
    logger.error('uncaught exception: exiting', { error: describeError(error, { stack: true }) });
    exit(1);
  });

  // A bad or missing variable (SAGAFLOW_SAGAS_MODULE included) throws an
  // InvalidArgumentError that names each one; it is logged below and the process exits 1.
  const config = loadOrchestratorConfig(process.env);
  logger = createLogger({ service: config.serviceName, level: config.logLevel });
  const definitions = await loadSagasModule(config.sagasModule, process.cwd());
  const orchestrator = createOrchestrator({ config, definitions, logger });
  handleSignals(orchestrator);
  await orchestrator.start();
}

main().catch((error: unknown) => {
  logger.error('orchestrator failed to start', { error: describeError(error, { stack: true }) });
  exit(1);
});
