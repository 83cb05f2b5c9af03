/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz the output formats (common/output.c): each stanza the reader
 * finds in the input is written in xml, json and text; each must be one
 * line, the json valid with its "xml" the xml line, and the xml line read
 * back and written again must come out byte for byte the same. */
#include <jansson.h>

#include "fuzz.h"

#define MAX_STANZAS 16

struct kept {
	xmpp_stanza_t *st[MAX_STANZAS];
	size_t n;
};

static int
keep(xmpp_stanza_t *st, void *arg)
{
	struct kept *k = arg;

	if (k->n < MAX_STANZAS)
		k->st[k->n++] = xmpp_stanza_clone(st);	/* a reference */
	return 0;
}

/* st written in fmt, without its newline (malloc'd). */
static char *
write_one(xmpp_stanza_t *st, enum xt_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	fuzz_assert(f != NULL);
	rc = xt_write_stanza(f, fmt, st);
	fuzz_assert(fclose(f) == 0);
	fuzz_assert(rc == 0);
	/* One line, and only one: the newline is the last byte. */
	fuzz_assert(len > 0 && buf[len - 1] == '\n');
	fuzz_assert(memchr(buf, '\n', len - 1) == NULL);
	fuzz_assert(strlen(buf) == len);
	buf[len - 1] = '\0';
	return buf;
}

static void
check_json(const char *line, const char *xml, xmpp_stanza_t *st)
{
	json_error_t err;
	json_t *o = json_loads(line, 0, &err), *v;

	if (o == NULL)
		fprintf(stderr, "json: %s: %s\n", err.text, line);
	fuzz_assert(o != NULL && json_is_object(o));
	v = json_object_get(o, "xml");
	fuzz_assert(v != NULL && strcmp(json_string_value(v), xml) == 0);
	v = json_object_get(o, "kind");
	fuzz_assert(v != NULL &&
	    strcmp(json_string_value(v), xmpp_stanza_get_name(st)) == 0);
	json_decref(o);
}

/* The xml line read back: one stanza, written the same way again. */
static void
check_round_trip(const char *xml)
{
	struct kept again = { { 0 }, 0 };
	struct xt_reader *r = xt_reader_new(fuzz_ctx(), keep, &again);
	char *second;
	int rc;

	fuzz_assert(r != NULL);
	rc = xt_reader_feed(r, xml, strlen(xml), 1);
	if (rc != 0)
		fprintf(stderr, "cannot read back '%s': %s\n", xml,
		    xt_reader_error(r));
	fuzz_assert(rc == 0);
	xt_reader_free(r);
	fuzz_assert(again.n == 1);
	second = write_one(again.st[0], XT_FMT_XML);
	if (strcmp(xml, second) != 0)
		fprintf(stderr, "first:  %s\nsecond: %s\n", xml, second);
	fuzz_assert(strcmp(xml, second) == 0);
	free(second);
	xmpp_stanza_release(again.st[0]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kept k = { { 0 }, 0 };
	struct xt_reader *r = xt_reader_new(fuzz_ctx(), keep, &k);
	char *xml, *json, *text, *line;
	size_t i;

	fuzz_assert(r != NULL);
	xt_reader_feed(r, (const char *)data, size, 1);
	xt_reader_free(r);
	for (i = 0; i < k.n; i++) {
		xml = write_one(k.st[i], XT_FMT_XML);
		line = xt_stanza_xml_line(k.st[i]);
		fuzz_assert(line != NULL && strcmp(xml, line) == 0);
		free(line);
		json = write_one(k.st[i], XT_FMT_JSON);
		check_json(json, xml, k.st[i]);
		text = write_one(k.st[i], XT_FMT_TEXT);
		check_round_trip(xml);
		free(xml);
		free(json);
		free(text);
		xmpp_stanza_release(k.st[i]);
	}
	return 0;
}
