/*
 * proofs/seq_harness.c: brings src/core/seq.h under `make prove`.
 *
 * seq.h holds static inline functions only, so no core .c file proves
 * them on its own; WP proves every function with a body in the files it
 * is given, used or not, and the lemmas of proofs/seq.acsl with them.
 * This file is never compiled into the library.
 */
#include "seq.h"
