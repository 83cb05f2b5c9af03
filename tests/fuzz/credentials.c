/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz the password line reader of --password-fd and --password-file
 * (read_line() in common/account.c, compiled in to reach it), through a
 * pipe as from --password-fd: the first line without its line end, at
 * most PW_MAX - 1 bytes, and not one byte read past it. */
#include "../../common/account.c"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *nl;
	static char rest[65536];
	volatile size_t line;
	char *pw;
	size_t want;
	ssize_t n;
	int p[2];

	/* Whatever fits in a pipe without blocking. */
	if (size > 65536)
		return 0;
	xt_quiet = 1;
	if (pipe(p) != 0)
		abort();
	if (size > 0 && write(p[1], data, size) != (ssize_t)size)
		abort();
	close(p[1]);
	nl = memchr(in, '\n', size);
	line = nl ? (size_t)(nl - in) : size;
	fuzz_arm();
	if (setjmp(fuzz_jmp) != 0) {
		fuzz_leaks_ok(0);
		/* Refused only when too long, and as a config error. */
		fuzz_assert(fuzz_code == XT_CONFIG);
		fuzz_assert(line >= PW_MAX);
		close(p[0]);
		return 0;
	}
	fuzz_leaks_ok(1);	/* its buffer, when it refuses the line */
	pw = read_line(p[0], xt_now() + 10, "fuzz");
	fuzz_leaks_ok(0);
	fuzz_disarm();
	fuzz_assert(line < PW_MAX);
	/* The line up to its first NUL, without one \r at its end. */
	want = line > 0 && in[line - 1] == '\r' ? line - 1 : line;
	fuzz_assert(strlen(pw) == strnlen(in, want));
	fuzz_assert(memcmp(pw, in, strlen(pw)) == 0);
	/* The rest is still in the pipe, for whoever reads the fd next. */
	n = read(p[0], rest, sizeof(rest));
	fuzz_assert(n == (ssize_t)(nl ? size - line - 1 : 0));
	fuzz_assert(memcmp(rest, in + size - n, n) == 0);
	close(p[0]);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	return 0;
}
