/**
 * `node apps/orchestrator/dist/token.js --name NAME --role ROLE` (`npm run token -- …` from
 * the sources): prints a new API token once and the line that configures its hash. See
 * `TOKEN_USAGE`.
 */
import { runTokenCommand } from './token-command';

const { exitCode, stdout, stderr } = runTokenCommand(process.argv.slice(2));
process.stdout.write(stdout);
process.stderr.write(stderr);
process.exitCode = exitCode;
