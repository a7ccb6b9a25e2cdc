import { checkPool } from "./checks.ts";

// The same check with the backend inside a dedicated worker: its pool's workers are nested
// workers, and waiting for them may block (Atomics.wait) where a page must spin.
addEventListener("message", async () => {
  const post = (self as unknown as { postMessage(message: unknown): void }).postMessage.bind(self);
  try {
    post({ result: await checkPool() });
  } catch (e) {
    post({ error: String(e) });
  }
});
