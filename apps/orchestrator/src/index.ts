/**
 * @packageDocumentation
 * The orchestrator service: engine wiring, status and admin HTTP API, consumers, outbox relay.
 */
export {};
