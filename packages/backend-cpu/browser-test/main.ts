import { benchMatmul, checkPool, checkPoolInWorker } from "./checks.ts";

// The test and the benchmark drive the page through these (page.evaluate).
Object.assign(window, { axonPool: { checkPool, checkPoolInWorker, benchMatmul } });
const status = document.getElementById("status");
if (status) status.textContent = `ready (crossOriginIsolated: ${crossOriginIsolated})`;
document.body.dataset.ready = "true";
