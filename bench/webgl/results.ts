import { commands } from "vitest/browser";

declare module "vitest/browser" {
  interface BrowserCommands {
    appendBenchResults: (
      table: string,
      renderer: string,
      userAgent: string,
      title?: string,
      filter?: string,
    ) => Promise<string>;
  }
}

/**
 * Appends a table to bench/RESULTS.md under `title` (through the config's browser command, which
 * adds the command, date, machine and browser); `filter` is the file filter that reruns the bench.
 */
export function appendBenchResults(
  table: string,
  renderer: string,
  title: string,
  filter: string,
): Promise<string> {
  return commands.appendBenchResults(table, renderer, navigator.userAgent, title, filter);
}
