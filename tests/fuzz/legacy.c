/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz the readers of ~/.sendxmpprc and go-sendxmpp's config
 * (legacy_parse() in common/account.c, compiled in to reach it). */
#include "../../common/account.c"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct legacy l = { .path = "/home/fuzz/.sendxmpprc" };
	char *buf = fuzz_strdup(data, size);
	FILE *f;

	xt_quiet = 1;
	/* fmemopen() refuses a size of 0; one NUL reads as an empty file. */
	if ((f = fmemopen(buf, size ? size : 1, "r")) == NULL)
		abort();
	fuzz_arm();
	legacy_parse(&l, f);
	fuzz_disarm();
	fclose(f);
	/* A JID is user@domain; a server only for an account. */
	fuzz_assert(l.jid == NULL || strchr(l.jid, '@') != NULL);
	fuzz_assert(l.server == NULL || l.jid != NULL);
	if (l.jid != NULL)
		fuzz_assert(same_account(l.jid, l.jid));
	forget(&l.password);
	forget(&l.eval);
	free(l.jid);
	free(l.server);
	free(buf);
	return 0;
}
