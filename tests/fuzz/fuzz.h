/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz.h: what the libFuzzer harnesses of tests/fuzz/ share. */
#ifndef FUZZ_H
#define FUZZ_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant that does not hold: say which, then abort, so that both
 * libFuzzer and the replay driver count it as a crash. */
#define fuzz_assert(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, \
		    __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* xt_die() returns here instead of exiting while a harness is armed. */
static jmp_buf fuzz_jmp;
static volatile int fuzz_armed;
static volatile int fuzz_code;
static char fuzz_msg[4096];	/* what xt_die() said */

static inline void
fuzz_die_hook(int code, const char *msg)
{
	if (!fuzz_armed) {
		fprintf(stderr, "xt_die(%d) outside a harness call: %s\n", code,
		    msg);
		abort();
	}
	fuzz_armed = 0;
	fuzz_code = code;
	snprintf(fuzz_msg, sizeof(fuzz_msg), "%s", msg);
	longjmp(fuzz_jmp, 1);
}

/* Arm before `if (setjmp(fuzz_jmp) != 0)`: the branch is taken, with
 * the exit code in fuzz_code, when xt_die() was called. */
static inline void
fuzz_arm(void)
{
	xt_die_hook = fuzz_die_hook;
	fuzz_code = 0;
	fuzz_armed = 1;
}

static inline void
fuzz_disarm(void)
{
	fuzz_armed = 0;
}

/* Between fuzz_leaks_ok(1) and fuzz_leaks_ok(0) allocations are not
 * leaks: for code that leaves memory behind when it calls xt_die(),
 * which is harmless in a tool (it exits) but not in a harness that
 * comes back from it. The leak checker's switch, when there is one. */
void __lsan_disable(void) __attribute__((weak));
void __lsan_enable(void) __attribute__((weak));

static inline void
fuzz_leaks_ok(int on)
{
	static int disabled;

	if (on && !disabled && __lsan_disable != NULL)
		__lsan_disable();
	else if (!on && disabled && __lsan_enable != NULL)
		__lsan_enable();
	else
		return;
	disabled = on;
}

/* Known bugs that are not fixed yet are let through unless FUZZ_STRICT
 * is set in the environment (their reproducers, crash-UNFIXED-* under
 * tests/fuzz/regress/, crash with it). */
static inline int
fuzz_strict(void)
{
	static int strict = -1;

	if (strict == -1)
		strict = getenv("FUZZ_STRICT") != NULL;
	return strict;
}

/* The input as a NUL-terminated string (malloc'd; NUL bytes in it end
 * the string early, as they would in a C caller). */
static inline char *
fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* One libstrophe context for the whole run, quiet. */
static inline xmpp_ctx_t *
fuzz_ctx(void)
{
	static xmpp_ctx_t *ctx;

	if (ctx == NULL) {
		xmpp_initialize();
		if ((ctx = xmpp_ctx_new(NULL, NULL)) == NULL)
			abort();
		xt_quiet = 1;
	}
	return ctx;
}

#endif
