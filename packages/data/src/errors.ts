import { AxonError } from "@axon/core";

/** A data file or data set that cannot be used: missing, truncated, corrupt, or inconsistent with itself. */
export class DataError extends AxonError {}
