/* SPDX-License-Identifier: GPL-3.0-or-later */
/* idset.c: remember the last few thousand ids, in constant time each. */
#include <stdlib.h>
#include <string.h>

#include "xt.h"

/* Two generations of open-addressing hash sets of 64-bit FNV-1a hashes:
 * when the newer one holds GEN entries it becomes the older one. So the
 * last GEN to 2 GEN ids are remembered; a collision of two 64-bit hashes
 * among so few is not a practical concern. */
#define GEN 4096

struct xt_idset {
	unsigned long long h[2][2 * GEN];
	size_t n;
};

struct xt_idset *
xt_idset_new(void)
{
	struct xt_idset *s = calloc(1, sizeof(*s));

	if (s == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	return s;
}

static unsigned long long
hash(const char *a, size_t alen, const char *b)
{
	unsigned long long h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < alen; i++)
		h = (h ^ (unsigned char)a[i]) * 1099511628211ULL;
	h = (h ^ ' ') * 1099511628211ULL;
	for (; b != NULL && *b; b++)
		h = (h ^ (unsigned char)*b) * 1099511628211ULL;
	return h ? h : 1;
}

static int
has(const unsigned long long *set, unsigned long long h)
{
	size_t i;

	for (i = h % (2 * GEN); set[i] != 0; i = (i + 1) % (2 * GEN))
		if (set[i] == h)
			return 1;
	return 0;
}

int
xt_idset_check(struct xt_idset *s, const char *scope, size_t scopelen,
    const char *id, int add)
{
	unsigned long long h = hash(scope, scopelen, id);
	size_t i;

	if (has(s->h[0], h) || has(s->h[1], h))
		return 1;
	if (!add)
		return 0;
	if (s->n == GEN) {
		memcpy(s->h[1], s->h[0], sizeof(s->h[0]));
		memset(s->h[0], 0, sizeof(s->h[0]));
		s->n = 0;
	}
	for (i = h % (2 * GEN); s->h[0][i] != 0; i = (i + 1) % (2 * GEN))
		;
	s->h[0][i] = h;
	s->n++;
	return 0;
}

void
xt_idset_free(struct xt_idset *s)
{
	free(s);
}
