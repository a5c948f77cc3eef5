// Default timeout of the int tier (jest reads testTimeout only at the top level).
jest.setTimeout(30_000);
