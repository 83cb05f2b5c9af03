/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz the JID check (common/jid.c): a verdict and a reason that agree,
 * and a valid JID stays valid taken apart (bare JID, domain) or with a
 * resource added. */
#include "fuzz.h"

static int
valid(const char *s)
{
	const char *why = "unset";
	int ok = xt_jid_valid(s, &why);

	fuzz_assert(ok == 0 || ok == 1);
	fuzz_assert(ok ? why == NULL : why != NULL && *why != '\0');
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strdup(data, size), *bare, *full;
	const char *at;
	size_t barelen;

	if (valid(s)) {
		barelen = strcspn(s, "/");
		bare = strndup(s, barelen);
		fuzz_assert(bare != NULL && valid(bare));
		at = memchr(bare, '@', barelen);
		fuzz_assert(valid(at ? at + 1 : bare));
		if (asprintf(&full, "%s/resource", bare) < 0)
			abort();
		fuzz_assert(valid(full));
		free(full);
		free(bare);
	}
	fuzz_assert(xt_jid_valid(s, NULL) == valid(s));
	free(s);
	return 0;
}
