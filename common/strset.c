/* SPDX-License-Identifier: GPL-3.0-or-later */
/* strset.c: a set of strings, exact and of any size (open addressing). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xt.h"

#define GONE ((char *)-1)	/* a removed key: probe chains go on */

struct xt_strset {
	char **keys;
	size_t size, used, live;	/* used counts GONE slots too */
};

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct xt_strset *
xt_strset_new(void)
{
	struct xt_strset *s = calloc(1, sizeof(*s));

	if (s == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	return s;
}

/* The slot holding key, or the empty one where it would go. */
static char **
slot(const struct xt_strset *s, const char *key)
{
	size_t i, mask = s->size - 1;
	char **free_slot = NULL;

	for (i = hash(key) & mask; s->keys[i] != NULL; i = (i + 1) & mask) {
		if (s->keys[i] == GONE) {
			if (free_slot == NULL)
				free_slot = &s->keys[i];
		} else if (strcmp(s->keys[i], key) == 0) {
			return &s->keys[i];
		}
	}
	return free_slot ? free_slot : &s->keys[i];
}

static void
rehash(struct xt_strset *s)
{
	char **old = s->keys;
	size_t n = s->size, i;

	/* Twice the live keys, at least 64: the GONE slots go. */
	for (s->size = 64; s->size < (s->live + 1) * 4; s->size *= 2)
		;
	if ((s->keys = calloc(s->size, sizeof(char *))) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	s->used = 0;
	for (i = 0; i < n; i++)
		if (old[i] != NULL && old[i] != GONE) {
			*slot(s, old[i]) = old[i];
			s->used++;
		}
	free(old);
}

int
xt_strset_add(struct xt_strset *s, const char *key)
{
	char **k;

	if ((s->used + 1) * 2 > s->size)
		rehash(s);
	k = slot(s, key);
	if (*k != NULL && *k != GONE)
		return 0;
	if (*k == NULL)
		s->used++;
	*k = xt_strdup(key);
	s->live++;
	return 1;
}

int
xt_strset_has(const struct xt_strset *s, const char *key)
{
	char **k;

	if (s->size == 0)
		return 0;
	k = slot(s, key);
	return *k != NULL && *k != GONE;
}

int
xt_strset_remove(struct xt_strset *s, const char *key)
{
	char **k;

	if (s->size == 0)
		return 0;
	k = slot(s, key);
	if (*k == NULL || *k == GONE)
		return 0;
	free(*k);
	*k = GONE;
	s->live--;
	return 1;
}

size_t
xt_strset_count(const struct xt_strset *s)
{
	return s->live;
}

void
xt_strset_free(struct xt_strset *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->size; i++)
		if (s->keys[i] != NULL && s->keys[i] != GONE)
			free(s->keys[i]);
	free(s->keys);
	free(s);
}
