// A Node app's `process` (a real app has it from @types/node).
declare const process: { env: Record<string, string | undefined> };
