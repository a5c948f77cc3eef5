import { type ExampleServiceName, EXAMPLE_SERVICES } from './config';
import { runService } from './run-service';

/**
 * `node apps/examples/dist/main.js <order-service|payment-service|inventory-service>`: runs
 * one example service, configured by `SAGAFLOW_*` variables. SIGTERM or SIGINT stops it
 * gracefully and exits 0; a second signal exits at once with 1.
 */
async function main(argv: readonly string[]): Promise<number> {
  const name = argv[2];
  if (name === undefined || !Object.hasOwn(EXAMPLE_SERVICES, name)) {
    process.stderr.write(
      `usage: main.js <${Object.keys(EXAMPLE_SERVICES).join('|')}> (got ${JSON.stringify(name ?? null)})\n`,
    );
    return 2;
  }
  const service = await runService(name as ExampleServiceName, process.env);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  const forceExit = () => {
    process.exit(1);
  };
  process.once('SIGTERM', forceExit);
  process.once('SIGINT', forceExit);
  process.stdout.write(
    `${JSON.stringify({ level: 'info', service: name, message: 'stopping', signal })}\n`,
  );
  await service.stop();
  return 0;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`example service failed: ${message}\n`);
    process.exitCode = 1;
  },
);
