// This package is filled by a later issue; it exports nothing yet.
export {};
