/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lines.c: input split into lines as it arrives, each line bounded: a
 * longer one is counted and named, never held in memory whole. */
#include <stdlib.h>
#include <string.h>

#include "xt.h"

/* The unfinished line grows by n bytes from p; past max it is counted. */
static void
part_add(struct xt_lines *l, const char *p, size_t n)
{
	size_t c;

	if (l->skipping || l->partlen + n > l->max) {
		if (!l->skipping) {
			l->skipping = 1;
			l->skipped = l->partlen;
			free(l->part);
			l->part = NULL;
			l->partlen = l->partcap = 0;
		}
		l->skipped += n;
		return;
	}
	if (l->partlen + n + 1 > l->partcap) {
		/* Doubling: a long line costs as many copies as bytes. */
		for (c = l->partcap ? l->partcap : 4096; c < l->partlen + n + 1;
		    c *= 2)
			;
		if ((l->part = realloc(l->part, c)) == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
		l->partcap = c;
	}
	memcpy(l->part + l->partlen, p, n);
	l->partlen += n;
}

static void
part_done(struct xt_lines *l)
{
	l->lineno++;
	if (l->skipping)
		l->too_long(l->lineno, l->skipped, l->arg);
	else
		l->line(l->partlen ? l->part : "", l->partlen, l->lineno,
		    l->arg);
	l->skipping = 0;
	l->partlen = 0;
}

void
xt_lines_feed(struct xt_lines *l, const char *buf, size_t len, size_t *used,
    int (*full)(void *))
{
	const char *p, *nl;

	while (*used < len && (full == NULL || !full(l->arg))) {
		p = buf + *used;
		if ((nl = memchr(p, '\n', len - *used)) == NULL) {
			part_add(l, p, len - *used);
			*used = len;
			break;
		}
		if (l->partlen > 0 || l->skipping) {
			part_add(l, p, nl - p);
			part_done(l);
		} else {
			l->lineno++;
			l->line(p, nl - p, l->lineno, l->arg);
		}
		*used = nl - buf + 1;
	}
}

void
xt_lines_finish(struct xt_lines *l)
{
	if (l->partlen > 0 || l->skipping)
		part_done(l);
}

void
xt_lines_free(struct xt_lines *l)
{
	free(l->part);
	l->part = NULL;
	l->partlen = l->partcap = 0;
}
