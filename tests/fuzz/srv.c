/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz the reading of DNS SRV answers (srv_query() in common/dns.c,
 * compiled in to reach it, with res_query() answering the input): at
 * most MAX_TARGETS targets, each a usable host name, in the order of
 * their priorities once sorted. */
#include <arpa/nameser.h>
#include <resolv.h>
#include <stdint.h>
#include <string.h>

static const unsigned char *fuzz_answer;
static size_t fuzz_answer_len;

static int
fuzz_res_query(const char *name, int class, int type, unsigned char *ans,
    int anslen)
{
	size_t n = fuzz_answer_len < (size_t)anslen ? fuzz_answer_len :
	    (size_t)anslen;

	(void)name;
	(void)class;
	(void)type;
	memcpy(ans, fuzz_answer, n);
	return (int)n;
}

#undef res_query
#define res_query fuzz_res_query
#include "../../common/dns.c"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srv list[MAX_TARGETS];
	int n = 0, i;

	fuzz_answer = data;
	fuzz_answer_len = size;
	if (srv_query("_xmpp-client._tcp.example.org", size % 2, list,
	    &n) != 0) {
		fuzz_assert(n == 0);
		return 0;
	}
	fuzz_assert(n >= 0 && n <= MAX_TARGETS);
	for (i = 0; i < n; i++) {
		fuzz_assert(strnlen(list[i].host, sizeof(list[i].host)) <
		    sizeof(list[i].host));
		fuzz_assert(list[i].host[0] != '\0' &&
		    strcmp(list[i].host, ".") != 0);
	}
	qsort(list, n, sizeof(list[0]), srv_cmp);
	for (i = 1; i < n; i++)
		fuzz_assert(list[i - 1].prio <= list[i].prio);
	return 0;
}
