/**
 * @packageDocumentation
 * Typed, validated configuration from environment variables (the apps pass the environment in).
 */
export {};
