/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tap.h: a minimal TAP producer for the unit tests of common/. */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

/* ok(cond, name): one test line. */
#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* is(got, expected, name): string equality, printing both on failure. */
#define is(got, exp, ...) tap_is((got), (exp), __FILE__, __LINE__, __VA_ARGS__)

static int
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s line %d\n", file, line);
	}
	return cond;
}

static int
tap_is(const char *got, const char *exp, const char *file, int line,
    const char *name, ...)
{
	int cond = (got == NULL && exp == NULL) ||
	    (got != NULL && exp != NULL && strcmp(got, exp) == 0);

	printf("%sok %d - %s\n", cond ? "" : "not ", ++tap_n, name);
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s line %d\n#          got: '%s'\n"
		    "#     expected: '%s'\n", file, line,
		    got ? got : "(null)", exp ? exp : "(null)");
	}
	return cond;
}

/* Print the plan and return the exit status for main(). */
static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
