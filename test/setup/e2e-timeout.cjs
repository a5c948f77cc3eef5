// Default timeout of the e2e tier (jest reads testTimeout only at the top level).
jest.setTimeout(300_000);
