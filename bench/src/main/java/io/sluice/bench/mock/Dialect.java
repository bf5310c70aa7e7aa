package io.sluice.bench.mock;

/** The wire format of a route. */
enum Dialect { OPENAI, ANTHROPIC, GEMINI }
