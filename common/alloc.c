/* SPDX-License-Identifier: GPL-3.0-or-later */
/* alloc.c: memory that is there or an exit 70, never a NULL to check. */
#include <stdlib.h>
#include <string.h>

#include "xt.h"

char *
xt_strdup(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	return d;
}

void *
xt_grow(void *p, size_t n, size_t size)
{
	/* At each power of two: appending n elements costs O(n) copies. */
	if (n == 0 || (n & (n - 1)) == 0) {
		if (n > ((size_t)-1 / 2) / size)
			xt_die(XT_SOFTWARE, "out of memory");
		if ((p = realloc(p, (n ? n * 2 : 4) * size)) == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
	}
	return p;
}
