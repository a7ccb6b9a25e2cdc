import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { machine } from "./engines.ts";

const FILE = new URL("./RESULTS.md", import.meta.url);

/** Appends one section (command, date, machine, load, table) to bench/RESULTS.md. */
export async function appendResults(title: string, command: string, body: string): Promise<void> {
  if (!existsSync(FILE))
    writeFileSync(FILE, "# Benchmark results\n\nAppended by the scripts in bench/ (newest last).\n");
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");
  const text = [
    "",
    `## ${title}`,
    "",
    `- command: \`${command}\``,
    `- date: ${new Date().toISOString()}`,
    `- machine: ${await machine()}`,
    `- load average at the end (1, 5, 15 min): ${load}`,
    "",
    body,
    "",
  ].join("\n");
  appendFileSync(FILE, text);
}
