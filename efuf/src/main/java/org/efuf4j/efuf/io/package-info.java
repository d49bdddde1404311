/** Crash-tolerant files: append-only JSONL with partial-line recovery, and atomic whole-file writes. */
package org.efuf4j.efuf.io;
