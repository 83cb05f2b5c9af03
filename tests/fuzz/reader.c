/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz the stdin stanza reader (common/reader.c): the input is fed once
 * whole and once in slices whose sizes come from its first two bytes, and
 * both must give the same stanzas and the same outcome. */
#include "fuzz.h"

#define MAX_KEPT 256

struct run {
	char *xml[MAX_KEPT];	/* the stanzas seen, as xml lines */
	size_t n;		/* callbacks */
	size_t stop_after;	/* stop the reader at this callback (0: no) */
	int ended;		/* feed returned non-zero: no more callbacks */
	struct xt_reader *rd;
};

static int
on_stanza(xmpp_stanza_t *st, void *arg)
{
	struct run *r = arg;
	const char *name;

	/* Nothing after an error, a stop or the end. */
	fuzz_assert(!r->ended);
	fuzz_assert(xt_reader_error(r->rd) == NULL);
	fuzz_assert(r->stop_after == 0 || r->n < r->stop_after);
	fuzz_assert(st != NULL && xmpp_stanza_is_tag(st));
	name = xmpp_stanza_get_name(st);
	fuzz_assert(name != NULL && *name != '\0');
	if (r->n < MAX_KEPT)
		fuzz_assert((r->xml[r->n] = xt_stanza_xml_line(st)) != NULL);
	r->n++;
	return r->stop_after != 0 && r->n == r->stop_after;
}

/* A feed's result, checked against the reader's state. */
static int
fed(struct run *r, struct xt_reader *rd, int rc)
{
	fuzz_assert(rc == 0 || rc == 1 || rc == -1);
	fuzz_assert((rc == -1) == (xt_reader_error(rd) != NULL));
	if (rc == 1)
		fuzz_assert(r->stop_after != 0 && r->n == r->stop_after);
	if (rc != 0)
		r->ended = 1;
	return rc;
}

/* Feed data in slices of 0 to max bytes (max 0: all at once); returns
 * the last result and the message in *err (malloc'd or NULL). */
static int
run(struct run *r, const uint8_t *data, size_t size, unsigned max,
    unsigned seed, char **err)
{
	struct xt_reader *rd = xt_reader_new(fuzz_ctx(), on_stanza, r);
	size_t off = 0, k;
	int rc = 0, again;

	fuzz_assert(rd != NULL);
	r->rd = rd;
	while (off < size && rc == 0) {
		k = size - off;
		if (max > 0) {
			seed = seed * 1103515245 + 12345;
			if (k > (seed >> 16) % (max + 1))
				k = (seed >> 16) % (max + 1);
		}
		rc = fed(r, rd, xt_reader_feed(rd, (const char *)data + off,
		    k, 0));
		off += k;
	}
	if (rc == 0)
		rc = fed(r, rd, xt_reader_feed(rd, NULL, 0, 1));
	/* Once ended, a reader stays ended: more input changes nothing. */
	r->ended = 1;
	again = xt_reader_feed(rd, "<message/>", 10, 1);
	fuzz_assert(rc == 0 ? again == -1 : again == rc);
	if (rc == 0)
		fuzz_assert(xt_reader_error(rd) != NULL);
	*err = rc == -1 ? strdup(xt_reader_error(rd)) : NULL;
	xt_reader_free(rd);
	return rc;
}

/* The same error, whatever the slices: the same line. expat reports
 * the first error it comes to, and that may depend on how much input it
 * has (text outside a stanza, then "]]>": whole, the invalid token is
 * seen first), so the words may differ; but a declaration is named as
 * one whatever the slices (regress/reader/doctype-message-by-slicing:
 * "<!DOCX" split after "<!DOC" once said DOCTYPE, whole an invalid
 * token). */
static int
same_error(const char *a, const char *b)
{
	static const char doctype[] = "DOCTYPE and entity declarations";
	const char *ma, *mb;

	if (a == NULL || strcmp(a, b) == 0)
		return 1;
	if ((ma = strstr(a, ": ")) == NULL || (mb = strstr(b, ": ")) == NULL ||
	    ma - a != mb - b || strncmp(a, b, ma - a) != 0)
		return 0;
	return (strstr(a, doctype) == NULL) == (strstr(b, doctype) == NULL);
}

static void
run_free(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n && i < MAX_KEPT; i++)
		free(r->xml[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole = { 0 }, sliced = { 0 };
	unsigned max, seed, stop;
	char *err1, *err2;
	int rc1, rc2;
	size_t i;

	if (size < 2)
		return 0;
	max = data[0] % 64 + 1;
	seed = data[1];
	stop = data[1] % 4 == 0 ? data[1] / 4 % 8 + 1 : 0;
	data += 2;
	size -= 2;
	whole.stop_after = sliced.stop_after = stop;
	rc1 = run(&whole, data, size, 0, 0, &err1);
	rc2 = run(&sliced, data, size, max, seed, &err2);
	if (rc1 != rc2 || whole.n != sliced.n || !same_error(err1, err2))
		fprintf(stderr, "whole: %d, %zu stanzas, %s\n"
		    "sliced (max %u, seed %u): %d, %zu stanzas, %s\n",
		    rc1, whole.n, err1 ? err1 : "no error", max, seed, rc2,
		    sliced.n, err2 ? err2 : "no error");
	fuzz_assert(rc1 == rc2);
	fuzz_assert(whole.n == sliced.n);
	fuzz_assert(same_error(err1, err2));
	for (i = 0; i < whole.n && i < MAX_KEPT; i++)
		fuzz_assert(strcmp(whole.xml[i], sliced.xml[i]) == 0);
	free(err1);
	free(err2);
	run_free(&whole);
	run_free(&sliced);
	return 0;
}
