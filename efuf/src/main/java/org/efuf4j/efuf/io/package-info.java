/** Crash-tolerant files: append-only JSONL with partial-line recovery, and the records of what produced a result (atomic whole-file writes live in tensor.io). */
package org.efuf4j.efuf.io;
