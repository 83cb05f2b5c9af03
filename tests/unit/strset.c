/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for common/strset.c and common/alloc.c. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "xt.h"

int
main(void)
{
	struct xt_strset *s;
	char key[32], *d;
	int i, ok_all, *a = NULL;
	size_t n;

	xt_init("unit-strset");
	s = xt_strset_new();
	ok(!xt_strset_has(s, "a"), "an empty set has nothing");
	ok(!xt_strset_remove(s, "a"), "... and removes nothing");
	ok(xt_strset_add(s, "a") == 1, "add: new");
	ok(xt_strset_add(s, "a") == 0, "add: there already");
	ok(xt_strset_has(s, "a") && !xt_strset_has(s, "b"), "has");
	ok(xt_strset_add(s, "") == 1 && xt_strset_has(s, ""),
	    "the empty string is a key");
	ok(xt_strset_remove(s, "a") && !xt_strset_has(s, "a") &&
	    xt_strset_count(s) == 1, "remove");
	ok(xt_strset_add(s, "a") == 1, "added again after removal");
	/* Enough keys to grow many times, removing every other one as it
	 * goes: the probe chains must survive the removed slots. */
	for (i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		xt_strset_add(s, key);
		if (i % 2 == 1) {
			snprintf(key, sizeof(key), "k%d", i - 1);
			xt_strset_remove(s, key);
		}
	}
	for (i = 0, ok_all = 1; i < 20000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ok_all &= xt_strset_has(s, key) == (i % 2 == 1);
	}
	ok(ok_all, "20000 keys, half removed: each found or not as it should");
	ok(xt_strset_count(s) == 10002, "count: %zu", xt_strset_count(s));
	xt_strset_free(s);
	for (n = 0; n < 1000; n++) {
		a = xt_grow(a, n, sizeof(*a));
		a[n] = (int)n;
	}
	for (n = 0, ok_all = 1; n < 1000; n++)
		ok_all &= a[n] == (int)n;
	ok(ok_all, "xt_grow keeps what was appended");
	free(a);
	ok(xt_strdup(NULL) == NULL, "xt_strdup(NULL)");
	d = xt_strdup("ü x");
	is(d, "ü x", "xt_strdup copies");
	free(d);
	return done_testing();
}
