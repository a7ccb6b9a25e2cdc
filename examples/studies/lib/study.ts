// The contract every study follows: a claim, a run at a toy or full size, and a report.

/** "toy": seconds, for the tests; "full": the documented size, a few minutes on two cores. */
export type StudySize = "toy" | "full";

export interface StudyOptions {
  readonly size: StudySize;
  /** Where the report goes (created if missing): report.html, figure.svg, summary.md. */
  readonly outDir: string;
  /** Seeds every random choice of the study (default 0). */
  readonly seed?: number;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

export interface StudyResult<D = unknown> {
  /** A short text summary in Markdown: the claim, the setup, what the numbers show. */
  readonly summary: string;
  /** The files written, relative to `outDir` (the first one is the main picture). */
  readonly files: readonly string[];
  /** The measured quantities, for tests to assert the claim qualitatively. */
  readonly data: D;
}

export interface Study<D = unknown> {
  /** The command-line name: `pnpm study <name>`. */
  readonly name: string;
  readonly title: string;
  /** The claim the study shows, one or two sentences. */
  readonly claim: string;
  /** What the full size is and roughly how long it takes on two cores. */
  readonly fullSize: string;
  run(options: StudyOptions): Promise<StudyResult<D>>;
}
